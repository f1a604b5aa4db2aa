"""Tell the gateway that a weight push is coming, so chat waits instead of hitting a paused SGLang, and
wait until the replies it is streaming have finished: slime pauses generation with
`POST /pause_generation {}` (SGLangEngine.pause_generation, THUDM/slime 624b824), and SGLang's default
pause mode is "abort", which would cut every reply still streaming. slime passes no mode and the
plugin cannot reach into the engine actor, so the push itself is held back instead: the gateway stops
sending new chat to SGLang, and the hook returns once its in-flight replies are done, or after
APPRENTICE_DRAIN_TIMEOUT_S (120) seconds; replies still streaming then are cut, and the hook logs it.

slime has no hook right before its NCCL weight broadcast, so there are these options:

* disk transport (--update-weight-transport disk): preferred, precise. slime calls
  --custom-update-weight-post-write-path apprentice_trainer.weights_hooks.announce_after_disk_write
  after writing the new checkpoint and before SGLang loads it.
* NCCL (default): --custom-megatron-before-train-step-hook-path
  apprentice_trainer.weights_hooks.announce_before_train_step announces 'updating' before the last
  optimizer step of a rollout; chat then also waits through that step. Leave it out to keep chat
  flowing during training (the gateway then learns of new weights only from 'ready').
* colocated (--colocate, one GPU): the rollout function announces and drains before it returns,
  because slime releases the engine's memory right after (apprentice_trainer.slime_build).

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
DEFAULT_DRAIN_TIMEOUT_S = 120.0
_heartbeat_lock = threading.Lock()
# The first rollout id a before-train-step hook saw in this process: the step this run (re)started at,
# from which slime's weight counter counts (see policy_version).
_first_hooked_rollout_id: int | None = None
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


def drain_timeout_s(env: dict[str, str] | None = None) -> float:
    raw = (os.environ if env is None else env).get("APPRENTICE_DRAIN_TIMEOUT_S", "")
    try:
        return min(600.0, max(0.0, float(raw))) if raw else DEFAULT_DRAIN_TIMEOUT_S
    except ValueError:
        return DEFAULT_DRAIN_TIMEOUT_S


def _is_rank_zero() -> bool:
    try:
        import torch.distributed as dist
    except ImportError:
        return True
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def announce_updating(policy_version: str | None, drain: bool = True) -> bool:
    """POSTs {state:'updating'} and (with `drain`) waits until the gateway's in-flight chat replies
    have finished, bounded by APPRENTICE_DRAIN_TIMEOUT_S; returns whether the gateway took it."""
    if not _is_rank_zero():
        return False
    timeout_s = drain_timeout_s() if drain else 0.0
    try:
        client = TrainerApiClient(gateway_config_from_env(), retries=2, backoff_s=0.2)
        started = time.monotonic()
        answer = client.set_weights("updating", policy_version, drain_timeout_ms=int(timeout_s * 1000) if drain else None)
        _start_heartbeat(client, policy_version)
    except (TrainerApiError, ConfigError) as exc:
        logger.warning("apprentice: could not announce the weight update: %s", exc)
        return False
    still = answer.get("activeReplies") if isinstance(answer, dict) else None
    if isinstance(still, int) and still > 0:
        logger.warning(
            "apprentice: %d chat repl%s still streaming after %.0fs; the weight push will cut %s off "
            "(raise APPRENTICE_DRAIN_TIMEOUT_S to wait longer)",
            still, "y is" if still == 1 else "ies are", time.monotonic() - started, "it" if still == 1 else "them",
        )
    builds = answer.get("activeBuilds") if isinstance(answer, dict) else None
    if isinstance(builds, int) and builds > 0:
        logger.warning("apprentice: %d sample build(s) still use the policy engine; the gateway retries them", builds)
    return True


def announce_after_disk_write(args: Any, version_dir: str, rollout_engines: Any) -> None:
    """--custom-update-weight-post-write-path hook: the checkpoint is written, SGLang loads it next."""
    announce_updating(None)


def announce_before_train_step(
    args: Any, rollout_id: int, step_id: int, model: Any, optimizer: Any, opt_param_scheduler: Any
) -> None:
    """--custom-megatron-before-train-step-hook-path hook: announce before the rollout's last step."""
    global _first_hooked_rollout_id
    if _first_hooked_rollout_id is None:
        _first_hooked_rollout_id = rollout_id
    steps = getattr(args, "num_steps_per_rollout", None)
    if steps is not None and step_id != int(steps) - 1:
        return
    announce_updating(policy_version_after_step(args, rollout_id, _first_hooked_rollout_id))
