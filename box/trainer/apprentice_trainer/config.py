"""Where the gateway is and how to authenticate, from the environment (slime's Ray runtime env passes it).

APPRENTICE_GATEWAY_URL     base URL of the box gateway, e.g. http://127.0.0.1:8787 (required)
APPRENTICE_BOX_TOKEN       the gateway's bearer token, or
APPRENTICE_BOX_TOKEN_FILE  a file holding it (keeps the token out of `ray job` command lines)
APPRENTICE_W_OPD / APPRENTICE_W_RL   weights of the two advantage terms (default 1.0 each)
APPRENTICE_OPD_IN_REWARD   1: fold the OPD term into the scalar reward (for backends without custom losses)
APPRENTICE_BATCH_TIMEOUT_MS long-poll window per batch request (default 30000)
APPRENTICE_EXACT_SAMPLE_COUNT 1: hand slime exactly rollout_batch_size × n_samples_per_prompt samples
                           (slime builds that count samples, not rollouts, e.g. OpenClaw-RL's)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class ConfigError(ValueError):
    """The plugin is not configured well enough to reach the gateway."""


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    token: str
    batch_timeout_ms: int = 30_000


@dataclass(frozen=True)
class AdvantageWeights:
    w_opd: float = 1.0
    w_rl: float = 1.0
    opd_in_reward: bool = False


@dataclass(frozen=True)
class RolloutOptions:
    exact_sample_count: bool = False


def _float_env(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def gateway_config_from_env(env: dict[str, str] | None = None) -> GatewayConfig:
    env = dict(os.environ) if env is None else env
    url = env.get("APPRENTICE_GATEWAY_URL", "").strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"APPRENTICE_GATEWAY_URL must be the gateway's http(s) base URL, e.g. http://127.0.0.1:8787; got {url!r}"
        )
    token = env.get("APPRENTICE_BOX_TOKEN", "")
    token_file = env.get("APPRENTICE_BOX_TOKEN_FILE", "")
    if not token and token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read APPRENTICE_BOX_TOKEN_FILE {token_file!r}: {exc}") from exc
    if not token:
        raise ConfigError("set APPRENTICE_BOX_TOKEN or APPRENTICE_BOX_TOKEN_FILE to the gateway's token")
    timeout_ms = int(_float_env(env, "APPRENTICE_BATCH_TIMEOUT_MS", 30_000))
    if not 0 <= timeout_ms <= 600_000:
        raise ConfigError(f"APPRENTICE_BATCH_TIMEOUT_MS must be within 0..600000, got {timeout_ms}")
    return GatewayConfig(url=url, token=token, batch_timeout_ms=timeout_ms)


def advantage_weights_from_env(env: dict[str, str] | None = None) -> AdvantageWeights:
    env = dict(os.environ) if env is None else env
    return AdvantageWeights(
        w_opd=_float_env(env, "APPRENTICE_W_OPD", 1.0),
        w_rl=_float_env(env, "APPRENTICE_W_RL", 1.0),
        opd_in_reward=env.get("APPRENTICE_OPD_IN_REWARD", "0") == "1",
    )


def rollout_options_from_env(env: dict[str, str] | None = None) -> RolloutOptions:
    env = dict(os.environ) if env is None else env
    return RolloutOptions(exact_sample_count=env.get("APPRENTICE_EXACT_SAMPLE_COUNT", "0") == "1")
