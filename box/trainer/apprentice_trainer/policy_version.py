"""The policy version string the trainer announces, matching the weight_version slime gives SGLang.

slime's weight updater (THUDM/slime 624b824: MegatronTrainRayActor.init, RayTrainGroup.create) starts
its counter at args.update_weight_start_version, which no command-line flag sets, so every process
start counts from 0 and adds one per push: one push before the first rollout, then one after every
training step (--update-weights-interval 1). A resumed run is no exception: after resuming at step S
SGLang reports 1, then 2 after step S. So versions count steps from the step this process started at,
which the caller passes (the rollout session's started_at_step). args.start_rollout_id is no substitute:
slime sets it on the driver only after the RolloutManager and the train actors received their copies
of args, so a resumed run sees None there.
"""

from __future__ import annotations

from typing import Any


def _start_version(args: Any) -> int:
    return int(getattr(args, "update_weight_start_version", 0) or 0)


def _start_rollout_id(args: Any) -> int:
    return int(getattr(args, "start_rollout_id", 0) or 0)


def _started_at(args: Any, started_at_step: int | None) -> int:
    return _start_rollout_id(args) if started_at_step is None else int(started_at_step)


def initial_policy_version(args: Any) -> str:
    return str(_start_version(args) + 1)


def policy_version_after_step(args: Any, rollout_id: int, started_at_step: int | None = None) -> str:
    """`started_at_step`: the first rollout id this process ran (falls back to args.start_rollout_id)."""
    return str(_start_version(args) + 1 + (rollout_id - _started_at(args, started_at_step) + 1))


def saved_through_step(args: Any, step: int, started_at_step: int | None = None) -> int | None:
    """The last step whose weights are on disk once step `step` finished (-1: none), as slime's train.py
    saves: after step s when (s + 1) % --save-interval == 0, into --save. A resumed run starts from the
    checkpoint of step started_at_step − 1. None when args say nothing about saving (not slime)."""
    if not hasattr(args, "save") and not hasattr(args, "save_interval"):
        return None
    resumed_from = _started_at(args, started_at_step) - 1
    interval = getattr(args, "save_interval", None)
    if not getattr(args, "save", None) or not interval:
        return resumed_from
    return max(resumed_from, ((step + 1) // int(interval)) * int(interval) - 1)
