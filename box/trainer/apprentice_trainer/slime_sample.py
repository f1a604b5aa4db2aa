"""TrainerSample → slime's Sample, one to one.

Inside slime the real `slime.utils.types.Sample` is used; without slime (tests, a laptop) a local
dataclass with the same fields stands in, so the conversion is the same code either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import torch

from .config import AdvantageWeights
from .trainer_sample import TrainerSample


def _local_sample_class() -> type:
    @dataclass
    class Sample:
        """Field-compatible stand-in for slime.utils.types.Sample (only used when slime is absent)."""

        group_index: int | None = None
        index: int | None = None
        rollout_id: int | None = None
        prompt: Any = ""
        tokens: list[int] = field(default_factory=list)
        response: str = ""
        response_length: int = 0
        label: str | None = None
        reward: Any = None
        loss_mask: list[int] | None = None
        weight_versions: list[str] = field(default_factory=list)
        rollout_log_probs: list[float] | None = None
        remove_sample: bool = False
        teacher_log_probs: Any = None

        class Status(Enum):
            PENDING = "pending"
            COMPLETED = "completed"
            TRUNCATED = "truncated"
            ABORTED = "aborted"
            FAILED = "failed"

        status: Status = Status.PENDING
        metadata: dict = field(default_factory=dict)
        train_metadata: dict | None = None
        session_id: str | None = None

    return Sample


def load_sample_class() -> type:
    try:
        from slime.utils.types import Sample  # type: ignore[import-not-found]
    except ImportError:
        return _LOCAL_SAMPLE
    return Sample


_LOCAL_SAMPLE = _local_sample_class()


def masked_mean_teacher_gap(sample: TrainerSample) -> float:
    """Mean of teacher − rollout log-prob over trained tokens (0 without a teacher)."""
    if sample.teacher_log_probs is None:
        return 0.0
    gaps = [t - r for t, r, m in zip(sample.teacher_log_probs, sample.rollout_log_probs, sample.loss_mask) if m]
    return sum(gaps) / len(gaps) if gaps else 0.0


def to_slime_sample(
    sample: TrainerSample,
    group_index: int,
    weights: AdvantageWeights | None = None,
    rollout_id: int | None = None,
    sample_class: type | None = None,
) -> Any:
    Sample = sample_class or load_sample_class()
    weights = weights or AdvantageWeights()
    # slime forwards teacher_log_probs to the loss only if every sample has them, so turns without a
    # hint carry their own rollout log-probs: teacher − old is then 0 for them (exactly 0 with
    # --use-rollout-logprobs, the train/serve drift otherwise).
    has_teacher = sample.teacher_log_probs is not None
    teacher = torch.tensor(sample.teacher_log_probs if has_teacher else sample.rollout_log_probs, dtype=torch.float32)

    score = sample.reward
    if weights.opd_in_reward:
        # Backends that cannot run apprentice_loss get the OPD signal as a sequence-level reward instead.
        score = weights.w_rl * sample.reward + weights.w_opd * masked_mean_teacher_gap(sample)

    converted = Sample(
        group_index=group_index,
        index=sample.index,
        tokens=list(sample.tokens),
        response_length=sample.response_length,
        reward={"score": score},
        loss_mask=list(sample.loss_mask),
        rollout_log_probs=list(sample.rollout_log_probs),
        status=Sample.Status.COMPLETED,
        metadata={
            "apprentice_sample_id": sample.sample_id,
            "persona_id": sample.persona_id,
            "source_sample_id": sample.source_sample_id,
            "raw_reward": sample.reward,
            "has_teacher": has_teacher,
            "hint": sample.hint,
            "policy_version": sample.policy_version,
            "retokenized": sample.retokenized,
        },
    )
    if sample.policy_version is not None and hasattr(converted, "weight_versions"):
        converted.weight_versions = [sample.policy_version]
    # One rollout per group: slime (newer builds) averages the loss per rollout and fills each step
    # with exactly global_batch_size rollouts, so a hint's k extra samples neither outweigh a thumb
    # nor push rollouts out of the step.
    converted.rollout_id = rollout_id
    # Attribute assignment works for slime versions with and without a declared teacher_log_probs field.
    converted.teacher_log_probs = teacher
    return converted
