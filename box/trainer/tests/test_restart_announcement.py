"""The restart announcement ('ready' with restartedAtStep) must survive a failed first try.

A tiny http.server stands in for the gateway's trainer routes only to make the first 'ready' fail
with a 500; everything else about the real gateway is covered in test_rollout_against_gateway.py.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apprentice_trainer import rollout
from apprentice_trainer.client import TrainerApiClient, TrainerApiError
from apprentice_trainer.config import AdvantageWeights, GatewayConfig, RolloutOptions
from apprentice_trainer.group_assembler import GroupAssembler


class GatewayStandIn:
    """Records trainer-route POSTs; answers the first `fail_weights` weights calls with 500."""

    def __init__(self, fail_weights: int):
        self.calls: list[tuple[str, dict]] = []
        self.fail_weights = fail_weights
        self.weights_answer: dict | None = None  # what a successful weights call answers
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.calls.append((self.path, body))
                if self.path == "/v1/trainer/weights" and stand_in.fail_weights > 0:
                    stand_in.fail_weights -= 1
                    return self._answer(500, {"error": {"message": "gateway busy"}})
                if self.path == "/v1/trainer/report":
                    return self._answer(200, {"trained": body["sampleIds"], "alreadyTrained": [], "unknown": [], "withdrawn": []})
                if self.path == "/v1/trainer/weights" and stand_in.weights_answer is not None:
                    return self._answer(200, stand_in.weights_answer)
                return self._answer(200, {"ok": True})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def weights(self) -> list[dict]:
        return [body for path, body in self.calls if path == "/v1/trainer/weights"]


@pytest.fixture
def stand_in():
    server = GatewayStandIn(fail_weights=1)
    yield server
    server.close()


def session_for(url: str) -> rollout.RolloutSession:
    # retries=0: the single 500 reaches finish_previous_step instead of being retried inside the client.
    client = TrainerApiClient(GatewayConfig(url=url, token="t" * 32), retries=0, backoff_s=0.0)
    return rollout.RolloutSession(client=client, weights=AdvantageWeights(), options=RolloutOptions(), assembler=GroupAssembler())


def test_a_failed_first_ready_keeps_the_restart_step_on_the_next_ready(stand_in):
    args = argparse.Namespace(start_rollout_id=3, update_weight_start_version=0, save="/ckpt", save_interval=10)
    session = session_for(stand_in.url)
    with pytest.raises(TrainerApiError):
        rollout.finish_previous_step(args, 3, session)
    # generate_rollout goes on after a 5xx and trains step 3; its report is owed.
    session.pending_report = rollout.PendingReport(step=3, sample_ids=["s1"], metrics={"samples": 1.0})

    rollout.finish_previous_step(args, 4, session)
    assert [w.get("restartedAtStep") for w in stand_in.weights()] == [3, 3]
    assert [path for path, _ in stand_in.calls] == ["/v1/trainer/weights", "/v1/trainer/weights", "/v1/trainer/report"]
    assert session.pending_report is None

    # Once one 'ready' got through, later ones do not claim a restart.
    session.pending_report = rollout.PendingReport(step=4, sample_ids=["s2"], metrics={})
    rollout.finish_previous_step(args, 5, session)
    assert "restartedAtStep" not in stand_in.weights()[-1]


def test_a_failed_first_ready_with_nothing_trained_is_announced_again(stand_in):
    args = argparse.Namespace(start_rollout_id=7)
    session = session_for(stand_in.url)
    with pytest.raises(TrainerApiError):
        rollout.finish_previous_step(args, 7, session)
    rollout.finish_previous_step(args, 7, session)
    assert [w.get("restartedAtStep") for w in stand_in.weights()] == [7, 7]
    assert [w["state"] for w in stand_in.weights()] == ["ready", "ready"]
