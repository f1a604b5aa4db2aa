"""The policy version string the trainer announces, matching the weight_version slime gives SGLang.

slime's weight updater starts its counter at --update-weight-start-version (default 0) and adds one per
push: one push before the first rollout, then one after every training step (--update-weights-interval 1).
"""

from __future__ import annotations

from typing import Any


def _start_version(args: Any) -> int:
    return int(getattr(args, "update_weight_start_version", 0) or 0)


def _start_rollout_id(args: Any) -> int:
    return int(getattr(args, "start_rollout_id", 0) or 0)


def initial_policy_version(args: Any) -> str:
    return str(_start_version(args) + 1)


def policy_version_after_step(args: Any, rollout_id: int) -> str:
    return str(_start_version(args) + 1 + (rollout_id - _start_rollout_id(args) + 1))


def saved_through_step(args: Any, step: int) -> int | None:
    """The last step whose weights are on disk once step `step` finished (-1: none), as slime's train.py
    saves: after step s when (s + 1) % --save-interval == 0, into --save. A resumed run starts from the
    checkpoint of step start_rollout_id − 1. None when args say nothing about saving (not slime)."""
    if not hasattr(args, "save") and not hasattr(args, "save_interval"):
        return None
    resumed_from = _start_rollout_id(args) - 1
    interval = getattr(args, "save_interval", None)
    if not getattr(args, "save", None) or not interval:
        return resumed_from
    return max(resumed_from, ((step + 1) // int(interval)) * int(interval) - 1)
