"""Tell the gateway that a weight push is coming, so chat waits instead of hitting a paused SGLang.

slime has no hook right before its NCCL weight broadcast, so there are two options:

* disk transport (--update-weight-transport disk): precise. slime calls
  --custom-update-weight-post-write-path apprentice_trainer.weights_hooks.announce_after_disk_write
  after writing the new checkpoint and before SGLang loads it.
* NCCL (default): --custom-megatron-before-train-step-hook-path
  apprentice_trainer.weights_hooks.announce_before_train_step announces 'updating' before the last
  optimizer step of a rollout; chat then also waits through that step. Leave it out to keep chat
  flowing during training (the gateway then learns of new weights only from 'ready').

'ready' is sent by the rollout function at the start of the next rollout, after slime's push returned.
Hooks run on every trainer rank; only global rank 0 talks to the gateway. A gateway that cannot be
reached is logged, never fatal: training must not stop because the app side is down.
"""

from __future__ import annotations

import logging
from typing import Any

from .client import TrainerApiClient, TrainerApiError
from .config import ConfigError, gateway_config_from_env
from .policy_version import policy_version_after_step

logger = logging.getLogger("apprentice_trainer.weights_hooks")


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
