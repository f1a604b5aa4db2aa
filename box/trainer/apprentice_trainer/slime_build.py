"""What the plugin needs from the slime it runs in, read from slime itself.

* Rollout accounting (THUDM/slime #1933, commit 7405851, 2026-05-25): from then on `Sample` has a
  `rollout_id`, a step takes exactly global_batch_size rollout ids and the loss is averaged once per
  rollout id. Earlier builds, OpenClaw-RL's vendored slime among them, count samples and trim each
  step to a multiple of global_batch_size: a hinted turn's regenerations would be dropped there while
  the report says they were trained. Such a slime is refused unless the plugin hands it whole samples
  (APPRENTICE_EXACT_SAMPLE_COUNT=1, which the LoRA script sets).
* Whether the engine can serve while a step runs: with --colocate (or --offload-rollout) slime
  releases SGLang's memory right after the rollout function returns, so chat must wait from then on.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from .config import RolloutOptions

FIRST_GOOD_SLIME = "THUDM/slime 7405851 (#1933, 2026-05-25)"


class SlimeBuildError(RuntimeError):
    """The slime in use would train something other than what the gateway is told."""


def sample_has_rollout_id(sample_class: type) -> bool:
    if dataclasses.is_dataclass(sample_class):
        return any(f.name == "rollout_id" for f in dataclasses.fields(sample_class))
    return hasattr(sample_class, "rollout_id")


def check_slime_build(sample_class: type, options: RolloutOptions) -> None:
    if options.exact_sample_count or sample_has_rollout_id(sample_class):
        return
    where = getattr(sample_class, "__module__", "?")
    raise SlimeBuildError(
        f"this slime ({where}.{sample_class.__name__} has no rollout_id) predates {FIRST_GOOD_SLIME}: it counts "
        "samples per step and trims each step to a multiple of global_batch_size, so a hinted turn's "
        "regenerations would be dropped while the gateway is told they were trained. Update slime to "
        f"{FIRST_GOOD_SLIME} or later (box/README.md pins the commit checked), or, for a slime that must "
        "stay old (OpenClaw-RL's, used by run_lora_fsdp.sh), set APPRENTICE_EXACT_SAMPLE_COUNT=1 so the "
        "plugin hands it exactly rollout_batch_size samples."
    )


def holds_chat_during_step(args: Any, env: dict[str, str] | None = None) -> bool:
    """True when the policy engine cannot answer while a step trains (its memory is released)."""
    env = dict(os.environ) if env is None else env
    if env.get("APPRENTICE_HOLD_CHAT_DURING_STEP", "") == "1":
        return True
    return bool(getattr(args, "colocate", False) or getattr(args, "offload_rollout", False))
