"""The plugin's weight announcement keeps a push from cutting off a chat reply, end to end.

Real gateway (npx tsx box/main.ts) and the SGLang test engine, which like SGLang aborts running replies
when paused with slime's `POST /pause_generation {}`. The plugin code is the real one; only slime's
own push (pause, load, continue) is played by the test.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request

import pytest

from apprentice_trainer import weights_hooks
from apprentice_trainer.client import TrainerApiClient
from apprentice_trainer.config import GatewayConfig
from box_processes import REPO_ROOT, start_gateway, start_sglang_test_engine

TOKEN = "pytest-drain-token-0123456789"
# About 40 tokens at 60 ms each: the reply streams for a few seconds, long enough to push during it.
REPLY = " ".join(["one two three four five six seven eight nine ten"] * 4)


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    assert (REPO_ROOT / "box/main.ts").exists()
    engine, sglang_url = start_sglang_test_engine("--reply", REPLY, "--token-latency-ms", "60")
    gateway = None
    try:
        gateway, gateway_url = start_gateway(sglang_url, TOKEN, tmp_path_factory.mktemp("box-data"))
        yield {"url": gateway_url, "sglang": sglang_url}
    finally:
        if gateway is not None:
            gateway.stop()
        engine.stop()


@pytest.fixture
def plugin_env(box, monkeypatch):
    monkeypatch.setenv("APPRENTICE_GATEWAY_URL", box["url"])
    monkeypatch.setenv("APPRENTICE_BOX_TOKEN", TOKEN)
    monkeypatch.setenv("APPRENTICE_UPDATE_HEARTBEAT_S", "3600")
    yield box
    TrainerApiClient(GatewayConfig(url=box["url"], token=TOKEN)).set_weights("ready", None)


def post_json(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read().decode()
    return json.loads(text) if text.strip().startswith("{") else {}


class StreamedChat(threading.Thread):
    """A chat reply streamed through the gateway, as the app streams it."""

    def __init__(self, gateway_url: str):
        super().__init__(daemon=True)
        self.url = gateway_url
        self.text = ""
        self.finish_reason: str | None = None
        self.first_token = threading.Event()

    def run(self) -> None:
        body = {"stream": True, "messages": [{"role": "user", "content": "Count."}]}
        request = urllib.request.Request(
            f"{self.url}/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            buffer = b""
            # read1: whatever has arrived, so the test sees the first token while the rest still streams.
            while chunk := response.read1(65536):
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    self._read_line(raw.decode().strip())

    def _read_line(self, line: str) -> None:
        if not line.startswith("data: ") or line == "data: [DONE]":
            return
        for choice in json.loads(line[6:]).get("choices", []):
            self.text += (choice.get("delta") or {}).get("content") or ""
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
            if self.text:
                self.first_token.set()


def slime_push(sglang_url: str, version: str) -> None:
    """What slime's weight updater does to the engines: pause ({} = abort mode), load, continue."""
    post_json(f"{sglang_url}/pause_generation", {})
    post_json(f"{sglang_url}/update_weights_from_disk", {"model_path": "/weights/new", "weight_version": version})
    post_json(f"{sglang_url}/continue_generation", {})


def test_the_announcement_lets_the_streaming_reply_finish_before_slime_pauses(plugin_env):
    chat = StreamedChat(plugin_env["url"])
    chat.start()
    assert chat.first_token.wait(60)
    assert chat.finish_reason is None  # still streaming when the trainer announces
    assert weights_hooks.announce_updating("5") is True  # returns once the reply is done
    slime_push(plugin_env["sglang"], "5")  # pause_generation {}: would abort a reply still running
    chat.join(60)
    assert (chat.text, chat.finish_reason) == (REPLY, "stop")


def test_without_time_to_drain_the_push_cuts_the_reply_and_the_plugin_says_so(plugin_env, monkeypatch, caplog):
    monkeypatch.setenv("APPRENTICE_DRAIN_TIMEOUT_S", "0")
    chat = StreamedChat(plugin_env["url"])
    chat.start()
    assert chat.first_token.wait(60)
    assert chat.finish_reason is None
    with caplog.at_level(logging.WARNING, logger="apprentice_trainer.weights_hooks"):
        assert weights_hooks.announce_updating("6") is True
    assert "1 chat reply is still streaming" in caplog.text
    slime_push(plugin_env["sglang"], "6")
    chat.join(60)
    assert chat.finish_reason == "abort"
    assert REPLY.startswith(chat.text) and len(chat.text) < len(REPLY)
