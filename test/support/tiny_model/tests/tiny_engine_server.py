"""Runs the tiny engine in a thread on a free port for a test."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from tiny_model.engine import make_handler
from tiny_model.engine_state import EngineState


@contextmanager
def running_engine(folder: Path, *, seed: int = 0, api_key: str | None = None, original_logprob: bool = True) -> Iterator[tuple[str, EngineState]]:
    state = EngineState.open(str(folder), None, seed)
    state.original_logprob = original_logprob
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, api_key, time.time()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def call(url: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, method="GET" if body is None else "POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def call_json(url: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    status, raw = call(url, path, body, headers)
    return status, json.loads(raw)


def sse_payloads(raw: bytes) -> list:
    events = [line[len("data: ") :] for line in raw.decode().split("\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    return [json.loads(e) for e in events[:-1]]
