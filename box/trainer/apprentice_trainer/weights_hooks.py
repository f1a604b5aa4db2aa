"""Tell the gateway that a weight push is coming, so chat waits instead of hitting a paused SGLang.

slime has no hook right before its NCCL weight broadcast, so there are two options:

* disk transport (--update-weight-transport disk): preferred, precise. slime calls
  --custom-update-weight-post-write-path apprentice_trainer.weights_hooks.announce_after_disk_write
  after writing the new checkpoint and before SGLang loads it.
* NCCL (default): --custom-megatron-before-train-step-hook-path
  apprentice_trainer.weights_hooks.announce_before_train_step announces 'updating' before the last
  optimizer step of a rollout; chat then also waits through that step. Leave it out to keep chat
  flowing during training (the gateway then learns of new weights only from 'ready').

'ready' is sent by the rollout function at the start of the next rollout, after slime's push returned.
The gateway holds chat only for a few minutes after an announcement, so that a trainer dying mid-step
cannot lock chat out: after announcing, a daemon thread repeats {state:'updating', heartbeat:true}
every APPRENTICE_UPDATE_HEARTBEAT_S (30) seconds until the gateway answers that chat is no longer held
(the rollout sent 'ready'), or MAX_HEARTBEAT_S passed.
Hooks run on every trainer rank; only global rank 0 talks to the gateway. A gateway that cannot be
reached is logged, never fatal: training must not stop because the app side is down.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from .client import TrainerApiClient, TrainerApiError
from .config import ConfigError, gateway_config_from_env
from .policy_version import policy_version_after_step

logger = logging.getLogger("apprentice_trainer.weights_hooks")

MAX_HEARTBEAT_S = 3_600.0
_heartbeat_lock = threading.Lock()
_heartbeat_stop: threading.Event | None = None
_heartbeat_thread: threading.Thread | None = None


def _heartbeat_interval_s() -> float:
    try:
        return max(0.05, float(os.environ.get("APPRENTICE_UPDATE_HEARTBEAT_S", "30")))
    except ValueError:
        return 30.0


def _send_heartbeats(client: TrainerApiClient, policy_version: str | None, stop: threading.Event) -> None:
    interval = _heartbeat_interval_s()
    deadline = time.monotonic() + MAX_HEARTBEAT_S
    while not stop.wait(interval) and time.monotonic() < deadline:
        try:
            answer = client.set_weights("updating", policy_version, heartbeat=True)
        except TrainerApiError as exc:
            logger.warning("apprentice: weight-update heartbeat failed: %s", exc)
            continue
        if isinstance(answer, dict) and answer.get("updating") is False:
            return  # 'ready' arrived: the push is over


def heartbeat_thread() -> threading.Thread | None:
    """The running heartbeat sender, if any (tests)."""
    return _heartbeat_thread


def _start_heartbeat(client: TrainerApiClient, policy_version: str | None) -> None:
    global _heartbeat_stop, _heartbeat_thread
    with _heartbeat_lock:
        if _heartbeat_stop is not None:
            _heartbeat_stop.set()  # a newer announcement replaces the old sender
        _heartbeat_stop = threading.Event()
        _heartbeat_thread = threading.Thread(
            target=_send_heartbeats, args=(client, policy_version, _heartbeat_stop), daemon=True, name="apprentice-heartbeat"
        )
        _heartbeat_thread.start()


def _is_rank_zero() -> bool:
    try:
        import torch.distributed as dist
    except ImportError:
        return True
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def announce_updating(policy_version: str | None) -> bool:
    """POSTs {state:'updating'}; returns whether the gateway took it."""
    if not _is_rank_zero():
        return False
    try:
        client = TrainerApiClient(gateway_config_from_env(), retries=2, backoff_s=0.2)
        client.set_weights("updating", policy_version)
        _start_heartbeat(client, policy_version)
        return True
    except (TrainerApiError, ConfigError) as exc:
        logger.warning("apprentice: could not announce the weight update: %s", exc)
        return False


def announce_after_disk_write(args: Any, version_dir: str, rollout_engines: Any) -> None:
    """--custom-update-weight-post-write-path hook: the checkpoint is written, SGLang loads it next."""
    announce_updating(None)


def announce_before_train_step(
    args: Any, rollout_id: int, step_id: int, model: Any, optimizer: Any, opt_param_scheduler: Any
) -> None:
    """--custom-megatron-before-train-step-hook-path hook: announce before the rollout's last step."""
    steps = getattr(args, "num_steps_per_rollout", None)
    if steps is not None and step_id != int(steps) - 1:
        return
    announce_updating(policy_version_after_step(args, rollout_id))
