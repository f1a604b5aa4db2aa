"""The gateway's TrainerSample (shared/protocol/trainer-api.ts), parsed and checked on the Python side.

The zod schema is the source of truth; this mirrors it field for field and adds the cross-field checks
slime relies on (per-token lists have response_length entries), so a bad sample fails here with a clear
message instead of deep inside Megatron.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_ID_LENGTH = 128


class TrainerSampleError(ValueError):
    """A TrainerSample from the gateway does not match the contract."""


@dataclass(frozen=True)
class TrainerSample:
    sample_id: str
    persona_id: str
    source_sample_id: str
    index: int
    tokens: list[int]
    response_length: int
    loss_mask: list[int]
    rollout_log_probs: list[float]
    reward: float
    teacher_log_probs: list[float] | None
    retokenized: bool
    hint: str | None
    policy_version: str | None


def _fail(where: str, message: str) -> TrainerSampleError:
    return TrainerSampleError(f"bad TrainerSample {where}: {message}")


def _id(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
        raise _fail(where, f"{key} must be a string of 1..{MAX_ID_LENGTH} characters, got {value!r}")
    return value


def _non_negative_int(value: Any, what: str, where: str) -> int:
    # bool is an int subclass in Python; JSON true must not pass as 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, f"{what} must be a non-negative integer, got {value!r}")
    return value


def _finite_number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(where, f"{what} must be a finite number, got {value!r}")
    return float(value)


def _number_list(raw: dict[str, Any], key: str, length: int, where: str) -> list[float]:
    values = raw.get(key)
    if not isinstance(values, list):
        raise _fail(where, f"{key} must be a list, got {type(values).__name__}")
    if len(values) != length:
        raise _fail(where, f"{key} has {len(values)} entries but response_length is {length}")
    return [_finite_number(v, f"{key}[{i}]", where) for i, v in enumerate(values)]


def _optional_string(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(where, f"{key} must be a string or null, got {type(value).__name__}")
    return value


def parse_trainer_sample(raw: Any) -> TrainerSample:
    if not isinstance(raw, dict):
        raise TrainerSampleError(f"bad TrainerSample: expected an object, got {type(raw).__name__}")
    where = repr(raw.get("sampleId", "?"))
    sample_id = _id(raw, "sampleId", where)

    tokens_raw = raw.get("tokens")
    if not isinstance(tokens_raw, list) or not tokens_raw:
        raise _fail(where, "tokens must be a non-empty list of token ids")
    tokens = [_non_negative_int(t, f"tokens[{i}]", where) for i, t in enumerate(tokens_raw)]

    response_length = _non_negative_int(raw.get("response_length"), "response_length", where)
    if response_length == 0 or response_length >= len(tokens):
        raise _fail(
            where,
            f"response_length {response_length} must be at least 1 and leave a prompt in {len(tokens)} tokens",
        )

    mask_raw = raw.get("loss_mask")
    if not isinstance(mask_raw, list) or len(mask_raw) != response_length:
        raise _fail(where, f"loss_mask must be a list of {response_length} zeros/ones")
    loss_mask: list[int] = []
    for i, m in enumerate(mask_raw):
        if isinstance(m, bool) or m not in (0, 1):
            raise _fail(where, f"loss_mask[{i}] must be 0 or 1, got {m!r}")
        loss_mask.append(int(m))

    teacher = raw.get("teacher_log_probs")
    retokenized = raw.get("retokenized")
    if not isinstance(retokenized, bool):
        raise _fail(where, f"retokenized must be a boolean, got {retokenized!r}")

    return TrainerSample(
        sample_id=sample_id,
        persona_id=_id(raw, "personaId", where),
        source_sample_id=_id(raw, "sourceSampleId", where),
        index=_non_negative_int(raw.get("index"), "index", where),
        tokens=tokens,
        response_length=response_length,
        loss_mask=loss_mask,
        rollout_log_probs=_number_list(raw, "rollout_log_probs", response_length, where),
        reward=_finite_number(raw.get("reward"), "reward", where),
        teacher_log_probs=None if teacher is None else _number_list(raw, "teacher_log_probs", response_length, where),
        retokenized=retokenized,
        hint=_optional_string(raw, "hint", where),
        policy_version=_optional_string(raw, "policyVersion", where),
    )
