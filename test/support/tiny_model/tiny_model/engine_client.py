"""The two engine calls the driver makes, as slime's weight updater makes them (stdlib HTTP)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


class EngineError(RuntimeError):
    pass


def _post(url: str, payload: dict, api_key: str | None, timeout_s: float) -> dict:
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise EngineError(f"POST {url} → HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')[:500]}") from exc
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise EngineError(f"POST {url} failed: {getattr(exc, 'reason', exc)}") from exc


def update_weights_from_disk(engine_url: str, model_path: str, weight_version: str, api_key: str | None = None) -> None:
    answer = _post(
        f"{engine_url.rstrip('/')}/update_weights_from_disk",
        {"model_path": model_path, "weight_version": weight_version},
        api_key,
        timeout_s=300,
    )
    if not answer.get("success"):
        raise EngineError(f"the engine could not load {model_path}: {answer.get('message')}")
