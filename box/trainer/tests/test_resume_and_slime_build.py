"""Resumed runs announce the versions SGLang reports; old slime builds and colocated runs are recognised."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field

import pytest

from apprentice_trainer import rollout, weights_hooks
from apprentice_trainer.config import RolloutOptions
from apprentice_trainer.slime_build import SlimeBuildError, check_slime_build, holds_chat_during_step
from apprentice_trainer.slime_sample import load_sample_class
from test_restart_announcement import GatewayStandIn, session_for


@pytest.fixture
def stand_in():
    server = GatewayStandIn(fail_weights=0)
    yield server
    server.close()


def test_a_run_resumed_at_step_40_announces_the_versions_slime_gives_sglang(stand_in):
    # As the RolloutManager sees args after a resume: start_rollout_id is still None there.
    args = argparse.Namespace(start_rollout_id=None, save="/ckpt", save_interval=20)
    session = session_for(stand_in.url)
    rollout.finish_previous_step(args, 40, session)  # first rollout of the resumed run
    session.pending_report = rollout.PendingReport(step=40, sample_ids=["s1"], metrics={})
    rollout.finish_previous_step(args, 41, session)
    session.pending_report = rollout.PendingReport(step=41, sample_ids=["s2"], metrics={})
    rollout.finish_previous_step(args, 42, session)

    weights = stand_in.weights()
    assert [(w["state"], w["policyVersion"]) for w in weights] == [("ready", "1"), ("ready", "2"), ("ready", "3")]
    assert weights[0]["restartedAtStep"] == 40
    reports = [body for path, body in stand_in.calls if path == "/v1/trainer/report"]
    assert [(r["step"], r["policyVersion"], r["savedThroughStep"]) for r in reports] == [(40, "2", 39), (41, "3", 39)]


def test_the_before_step_hook_counts_from_the_first_step_its_process_trained(monkeypatch):
    announced = []
    monkeypatch.setattr(weights_hooks, "announce_updating", lambda version, drain=True: announced.append(version))
    monkeypatch.setattr(weights_hooks, "_first_hooked_rollout_id", None)
    args = argparse.Namespace(start_rollout_id=None, num_steps_per_rollout=1)
    weights_hooks.announce_before_train_step(args, 40, 0, None, None, None)
    weights_hooks.announce_before_train_step(args, 41, 0, None, None, None)
    assert announced == ["2", "3"]


@dataclass
class SampleBefore1933:
    """The shape of slime's Sample before #1933 (and in OpenClaw-RL's vendored slime): no rollout_id."""

    group_index: int | None = None
    index: int | None = None
    tokens: list[int] = field(default_factory=list)


def test_a_slime_that_counts_samples_is_refused_with_what_to_do():
    with pytest.raises(SlimeBuildError, match=r"predates THUDM/slime 7405851 .*APPRENTICE_EXACT_SAMPLE_COUNT=1"):
        check_slime_build(SampleBefore1933, RolloutOptions())
    check_slime_build(SampleBefore1933, RolloutOptions(exact_sample_count=True))  # the LoRA script's mode
    check_slime_build(load_sample_class(), RolloutOptions())  # field-compatible with slime 624b824


def test_generate_rollout_refuses_an_old_slime_before_asking_the_gateway(monkeypatch):
    monkeypatch.setenv("APPRENTICE_GATEWAY_URL", "http://127.0.0.1:9")  # nothing listens: must not be reached
    monkeypatch.setenv("APPRENTICE_BOX_TOKEN", "t" * 32)
    monkeypatch.setattr(rollout, "load_sample_class", lambda: SampleBefore1933)
    rollout.reset_session()
    args = argparse.Namespace(rollout_batch_size=1, n_samples_per_prompt=1, rollout_temperature=1.0)
    try:
        with pytest.raises(SlimeBuildError):
            rollout.generate_rollout(args, 0, None)
    finally:
        rollout.reset_session()


def test_chat_is_held_through_a_step_only_where_the_engine_is_released():
    assert holds_chat_during_step(argparse.Namespace(colocate=True), env={})
    assert holds_chat_during_step(argparse.Namespace(colocate=False, offload_rollout=True), env={})
    assert not holds_chat_during_step(argparse.Namespace(colocate=False, offload_rollout=False), env={})
    assert holds_chat_during_step(argparse.Namespace(), env={"APPRENTICE_HOLD_CHAT_DURING_STEP": "1"})


def test_the_announcement_asks_the_gateway_to_drain_and_says_when_replies_will_be_cut(monkeypatch, caplog):
    server = GatewayStandIn(fail_weights=0)
    server.weights_answer = {"state": "updating", "policyVersion": "7", "updating": True, "activeReplies": 2}
    monkeypatch.setenv("APPRENTICE_GATEWAY_URL", server.url)
    monkeypatch.setenv("APPRENTICE_BOX_TOKEN", "t" * 32)
    monkeypatch.setenv("APPRENTICE_DRAIN_TIMEOUT_S", "2.5")
    monkeypatch.setenv("APPRENTICE_UPDATE_HEARTBEAT_S", "3600")
    try:
        with caplog.at_level(logging.WARNING, logger="apprentice_trainer.weights_hooks"):
            assert weights_hooks.announce_updating("8")
        body = server.weights()[0]
        assert body == {"state": "updating", "policyVersion": "8", "drainTimeoutMs": 2500}
        assert "2 chat replies are still streaming" in caplog.text
    finally:
        server.close()
