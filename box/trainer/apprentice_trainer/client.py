"""HTTP client for the gateway's trainer API (shared/protocol/trainer-api.ts), stdlib only.

Transient trouble (connection refused/reset, 5xx, 503 while the gateway starts) is retried with backoff;
a 4xx is the caller's fault and raised at once with the gateway's own error text.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

from .config import GatewayConfig
from .trainer_sample import MAX_ID_LENGTH, TrainerSample, TrainerSampleError, parse_trainer_sample

TRAINER_BATCH_PATH = "/v1/trainer/batch"
TRAINER_REPORT_PATH = "/v1/trainer/report"
TRAINER_WEIGHTS_PATH = "/v1/trainer/weights"
TRAINER_CONFIRM_PATH = "/v1/trainer/confirm"
TRAINER_REJECT_PATH = "/v1/trainer/reject"
MAX_ERROR_CHARS = 2_000
MAX_BATCH_SIZE = 4_096


class TrainerApiError(RuntimeError):
    """The gateway refused a request or could not be reached after retries."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class BatchResult:
    samples: list[TrainerSample]
    policy_version: str | None
    # Samples that broke the contract: kept out of training, counted so the report can say so.
    rejected: list[tuple[str, str]]


class TrainerApiClient:
    def __init__(
        self,
        config: GatewayConfig,
        *,
        retries: int = 5,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._config = config
        self._retries = retries
        self._backoff_s = backoff_s
        self._sleep = sleep

    def fetch_batch(self, size: int, timeout_ms: int | None = None) -> BatchResult:
        """Long-polls for up to `size` samples; returns what is there when the window closes."""
        size = max(1, min(MAX_BATCH_SIZE, int(size)))
        timeout_ms = self._config.batch_timeout_ms if timeout_ms is None else timeout_ms
        query = urlencode({"size": size, "timeoutMs": timeout_ms})
        body = self._request("GET", f"{TRAINER_BATCH_PATH}?{query}", None, read_timeout_s=timeout_ms / 1000 + 30)
        if not isinstance(body, dict) or not isinstance(body.get("batch"), list):
            raise TrainerApiError(f"gateway batch response has no 'batch' list: {str(body)[:200]}")
        version = body.get("policyVersion")
        if version is not None and not isinstance(version, str):
            raise TrainerApiError(f"gateway batch response has a non-string policyVersion: {version!r}")
        samples: list[TrainerSample] = []
        rejected: list[tuple[str, str]] = []
        for raw in body["batch"]:
            try:
                samples.append(parse_trainer_sample(raw))
            except TrainerSampleError as exc:
                sample_id = raw.get("sampleId") if isinstance(raw, dict) else None
                rejected.append((sample_id if isinstance(sample_id, str) else str(sample_id), str(exc)))
        return BatchResult(samples=samples, policy_version=version, rejected=rejected)

    def report(
        self,
        step: int,
        policy_version: str,
        metrics: dict[str, float],
        sample_ids: list[str],
        saved_through_step: int | None = None,
    ) -> Any:
        payload: dict[str, Any] = {
            "step": int(step),
            "policyVersion": policy_version,
            "metrics": {str(k): float(v) for k, v in metrics.items()},
            "sampleIds": list(sample_ids),
        }
        if saved_through_step is not None:
            payload["savedThroughStep"] = int(saved_through_step)
        return self._request("POST", TRAINER_REPORT_PATH, payload)

    def reject(self, rejected: list[tuple[str, str]]) -> list[str]:
        """Tells the gateway which samples were refused, so they settle as failed instead of being re-leased.
        Ids that are not valid ids cannot be named and are left to their lease."""
        named = [
            {"sampleId": sample_id, "error": (error or "rejected")[:MAX_ERROR_CHARS]}
            for sample_id, error in rejected
            if isinstance(sample_id, str) and 1 <= len(sample_id) <= MAX_ID_LENGTH
        ]
        if not named:
            return []
        body = self._request("POST", TRAINER_REJECT_PATH, {"rejected": named})
        failed = body.get("failed") if isinstance(body, dict) else None
        return [i for i in failed if isinstance(i, str)] if isinstance(failed, list) else []

    def confirm(self, sample_ids: list[str]) -> set[str]:
        """Right before a step: which of these samples the gateway withdrew (superseded, trained, unknown)."""
        body = self._request("POST", TRAINER_CONFIRM_PATH, {"sampleIds": list(sample_ids)})
        withdrawn = body.get("withdrawn") if isinstance(body, dict) else None
        if not isinstance(withdrawn, list) or not all(isinstance(i, str) for i in withdrawn):
            raise TrainerApiError(f"gateway confirm response has no 'withdrawn' list of ids: {str(body)[:200]}")
        return set(withdrawn)

    def set_weights(
        self,
        state: str,
        policy_version: str | None,
        *,
        heartbeat: bool = False,
        restarted_at_step: int | None = None,
        drain_timeout_ms: int | None = None,
    ) -> Any:
        """`drain_timeout_ms` (with 'updating'): the gateway answers once the chat replies it is streaming
        have finished, or after that long; its answer's activeReplies says how many still stream."""
        if state not in ("updating", "ready"):
            raise ValueError(f"weights state must be 'updating' or 'ready', got {state!r}")
        payload: dict[str, Any] = {"state": state, "policyVersion": policy_version}
        if heartbeat:
            payload["heartbeat"] = True
        if restarted_at_step is not None:
            payload["restartedAtStep"] = int(restarted_at_step)
        read_timeout_s = 60.0
        if drain_timeout_ms is not None:
            payload["drainTimeoutMs"] = int(drain_timeout_ms)
            read_timeout_s += drain_timeout_ms / 1000
        return self._request("POST", TRAINER_WEIGHTS_PATH, payload, read_timeout_s=read_timeout_s)

    def _request(self, method: str, path: str, payload: Any, read_timeout_s: float = 60.0) -> Any:
        url = f"{self._config.url}{path}"
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        headers = {"Authorization": f"Bearer {self._config.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        last_error = ""
        for attempt in range(self._retries + 1):
            if attempt:
                self._sleep(self._backoff_s * (2 ** (attempt - 1)))
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=read_timeout_s) as response:
                    text = response.read().decode("utf-8")
                    return json.loads(text) if text.strip() else None
            except urllib.error.HTTPError as exc:
                detail = _error_text(exc)
                if exc.code >= 500:
                    last_error = f"{method} {path} → HTTP {exc.code}: {detail}"
                    continue
                hint = " (check APPRENTICE_BOX_TOKEN)" if exc.code in (401, 403) else ""
                raise TrainerApiError(f"{method} {path} → HTTP {exc.code}: {detail}{hint}", exc.code) from exc
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                last_error = f"{method} {url} failed: {reason}"
            except json.JSONDecodeError as exc:
                raise TrainerApiError(f"{method} {path} returned invalid JSON: {exc}") from exc
        raise TrainerApiError(f"gave up after {self._retries + 1} attempts: {last_error}")


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode("utf-8", "replace")
    except OSError:
        return exc.reason if isinstance(exc.reason, str) else ""
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        return text[:500]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return error
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]  # the gateway's OpenAI-style {"error": {"message": ...}}
    return text[:500]
