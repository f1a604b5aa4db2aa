"""Typed reads of JSON request fields; anything malformed is a 400 with the field's name."""

from __future__ import annotations

import math
from typing import Any

from .http_errors import HttpError


def optional_int(body: dict, key: str, minimum: int | None = None) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        raise HttpError(400, f"{key} must be an integer{'' if minimum is None else f' >= {minimum}'}, got {value!r}")
    return value


def optional_number(body: dict, key: str, minimum: float | None = None) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise HttpError(400, f"{key} must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise HttpError(400, f"{key} must be >= {minimum}, got {value!r}")
    return float(value)


def optional_bool(body: dict, key: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise HttpError(400, f"{key} must be true or false, got {value!r}")


def optional_object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HttpError(400, f"{key} must be an object, got {type(value).__name__}")
    return value


def refuse_stop_strings(value: Any) -> None:
    """Stop strings are not implemented here (the gateway never sends them): say so instead of ignoring them."""
    if value in (None, "", []):
        return
    raise HttpError(400, "stop strings are not supported by the tiny engine (stop_token_ids are)")
