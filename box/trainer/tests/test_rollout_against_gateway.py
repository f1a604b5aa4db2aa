"""generate_rollout against a real box gateway (npx tsx box/main.ts) fed like the app feeds it.

The only stand-in is the GPU edge: the SGLang test engine, speaking SGLang's HTTP shapes.
"""

from __future__ import annotations

import argparse
import threading
import time

import pytest
import torch

from apprentice_trainer import rollout
from apprentice_trainer.client import TrainerApiClient, TrainerApiError
from apprentice_trainer.config import GatewayConfig
from apprentice_trainer.slime_sample import load_sample_class
from box_processes import REPO_ROOT, send_samples, start_gateway, start_sglang_test_engine

TOKEN = "pytest-token-0123456789abcdef"
PERSONA = "persona-pytest"
ON_POLICY_SAMPLES_PER_HINT = 2  # the gateway regenerates k replies for a hinted turn


def signal_sample(sample_id: str, reward: int, hint: str | None, kind: str, user_text: str, reply: str) -> dict:
    return {
        "sampleId": sample_id,
        "personaId": PERSONA,
        "conversationId": "conv-1",
        "turnId": f"turn-{sample_id}",
        "messages": [
            {"role": "system", "content": "You are a friendly writing tutor."},
            {"role": "user", "content": user_text},
        ],
        "response": reply,
        "nextState": {"role": "user", "content": "No, shorter please." if reward < 0 else "Thanks, perfect!"},
        "reward": reward,
        "rewardSource": "explicit",
        "signalKind": kind,
        "confidence": 1.0,
        "hint": hint,
        "supersedes": None,
        "policyVersion": None,
        "createdAt": int(time.time() * 1000),
    }


SAMPLES = [
    signal_sample("sig-hint", -1, "Answer in one short sentence.", "thumb_down", "Explain commas.",
                  "Commas separate clauses, items in lists, and introductory phrases in many different ways."),
    signal_sample("sig-good", 1, None, "thumb_up", "Say hi.", "Hi there!"),
    signal_sample("sig-bad", -1, None, "thumb_down", "Name a color.", "Potato."),
]


def run_with_deadline(fn, seconds: float):
    """generate_rollout long-polls; a broken gateway must fail the test, not hang it."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no result within {seconds}s")
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    missing = [p for p in ("box/main.ts", "test/support/sglang-test-engine-cli.ts") if not (REPO_ROOT / p).exists()]
    assert not missing, f"the gateway side is not there yet: missing {missing}"
    engine, sglang_url = start_sglang_test_engine()
    gateway = None
    try:
        gateway, gateway_url = start_gateway(
            sglang_url,
            TOKEN,
            tmp_path_factory.mktemp("box-data"),
            {"APPRENTICE_ONPOLICY_SAMPLES": str(ON_POLICY_SAMPLES_PER_HINT)},
        )
        yield {"url": gateway_url, "gateway": gateway}
    finally:
        if gateway is not None:
            gateway.stop()
        engine.stop()


@pytest.fixture
def gateway_env(box, monkeypatch):
    monkeypatch.setenv("APPRENTICE_GATEWAY_URL", box["url"])
    monkeypatch.setenv("APPRENTICE_BOX_TOKEN", TOKEN)
    monkeypatch.setenv("APPRENTICE_BATCH_TIMEOUT_MS", "1500")
    monkeypatch.delenv("APPRENTICE_OPD_IN_REWARD", raising=False)
    monkeypatch.delenv("APPRENTICE_EXACT_SAMPLE_COUNT", raising=False)
    rollout.reset_session()
    yield box
    # Settle what the test's trainer still owes a report for: a later test's trainer (re)start would
    # otherwise be handed those leased samples again, as it should after a crash.
    session = rollout._session
    if session is not None and session.pending_report is not None:
        session.client.report(session.pending_report.step, "settled", {}, session.pending_report.sample_ids)
    rollout.reset_session()


def test_rollout_pulls_grouped_samples_then_reports_the_step(gateway_env):
    url = gateway_env["url"]
    delivered = send_samples(url, TOKEN, SAMPLES)
    assert delivered["exit_code"] == 0, delivered
    assert sorted(delivered["acked"]) == sorted(s["sampleId"] for s in SAMPLES)

    # The hinted turn is two slime rollouts (served reply; regenerations), the thumbs one each.
    args = argparse.Namespace(rollout_batch_size=len(SAMPLES) + 1, n_samples_per_prompt=1, start_rollout_id=0)
    groups = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)

    Sample = load_sample_class()
    assert len(groups) == len(SAMPLES) + 1
    by_source = {}
    for group_index, group in enumerate(groups):
        sources = {s.metadata["source_sample_id"] for s in group}
        assert len(sources) == 1, "a rollout holds samples of one source sample"
        by_source.setdefault(sources.pop(), []).extend(group)
        for s in group:
            assert isinstance(s, Sample)
            assert s.group_index == group_index
            assert s.status == Sample.Status.COMPLETED
            assert s.metadata["persona_id"] == PERSONA
            assert 0 < s.response_length < len(s.tokens)
            assert len(s.loss_mask) == len(s.rollout_log_probs) == s.response_length
            assert all(lp <= 0 for lp in s.rollout_log_probs)
            assert isinstance(s.teacher_log_probs, torch.Tensor)
            assert s.teacher_log_probs.shape == (s.response_length,)
    assert set(by_source) == {s["sampleId"] for s in SAMPLES}

    # slime averages the loss once per rollout id: the served reply (the user's reward) has its own,
    # so a hinted correction's reward weighs as much as a plain thumb's; its k regenerations share one.
    hint_group = by_source["sig-hint"]
    assert len(hint_group) == 1 + ON_POLICY_SAMPLES_PER_HINT
    served = next(s for s in hint_group if s.metadata["apprentice_sample_id"] == "sig-hint")
    regenerated = [s for s in hint_group if s is not served]
    assert len({s.rollout_id for s in regenerated}) == 1
    assert served.rollout_id not in {s.rollout_id for s in regenerated}
    assert [s.rollout_id for g in groups for s in g].count(served.rollout_id) == 1
    assert len({s.rollout_id for g in groups for s in g}) == len(groups)
    assert served.reward == {"score": -1.0}
    for s in hint_group:
        assert s.metadata["has_teacher"] is True
        assert s.metadata["hint"] == "Answer in one short sentence."
        # The teacher saw the hint, so it scores the same response tokens differently.
        assert not torch.allclose(s.teacher_log_probs, torch.tensor(s.rollout_log_probs))
        assert sum(s.loss_mask) > 0
    good = by_source["sig-good"][0]
    assert good.reward == {"score": 1.0} and sum(good.loss_mask) > 0
    assert torch.allclose(good.teacher_log_probs, torch.tensor(good.rollout_log_probs))
    assert by_source["sig-bad"][0].reward == {"score": -1.0}

    # slime calls the rollout function again after its train step and weight push: that call reports.
    session = rollout.get_session(args)
    trained_ids = sorted(session.pending_report.sample_ids)
    assert sorted(s.metadata["apprentice_sample_id"] for g in groups for s in g) == trained_ids
    rollout.finish_previous_step(args, 1, session)
    assert session.pending_report is None

    # The gateway turned the report into a training_step progress event for the app (replayed on hello).
    seen = send_samples(url, TOKEN, [], "--wait-progress", "training_step", "--timeout-ms", "30000")
    assert seen["exit_code"] == 0, seen
    [step_event] = [e for e in seen["progress"] if e["kind"] == "training_step"]
    assert step_event["step"] == 0
    assert step_event["policyVersion"] == "2"  # slime's weight_version after the first step's push
    assert step_event["personaId"] == PERSONA
    assert step_event["metrics"]["samples"] == 3 + ON_POLICY_SAMPLES_PER_HINT


def test_exact_sample_count_mode_splits_a_group_and_loses_nothing(gateway_env, monkeypatch):
    monkeypatch.setenv("APPRENTICE_EXACT_SAMPLE_COUNT", "1")
    rollout.reset_session()
    sent = [
        signal_sample("exact-hint", -1, "Use a list.", "correction", "Plan my week.", "Do things on days."),
        signal_sample("exact-thumb", 1, None, "thumb_up", "Say bye.", "Bye!"),
    ]
    delivered = send_samples(gateway_env["url"], TOKEN, sent)
    assert delivered["exit_code"] == 0, delivered

    args = argparse.Namespace(rollout_batch_size=2, n_samples_per_prompt=1, start_rollout_id=0)
    first = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)
    second = run_with_deadline(lambda: rollout.generate_rollout(args, 1, None), 60)  # also reports step 0
    for batch in (first, second):
        assert sum(len(g) for g in batch) == 2  # what a sample-counting slime expects per rollout
        assert all(s.rollout_id is None for g in batch for s in g)
    trained = [s for batch in (first, second) for g in batch for s in g]
    assert len({s.metadata["apprentice_sample_id"] for s in trained}) == len(trained)  # nothing twice
    sources = sorted(s.metadata["source_sample_id"] for s in trained)
    assert sources == sorted(["exact-thumb"] + ["exact-hint"] * (1 + ON_POLICY_SAMPLES_PER_HINT))


def test_wrong_token_is_a_clear_error_not_a_retry_loop(gateway_env):
    client = TrainerApiClient(GatewayConfig(url=gateway_env["url"], token="not-the-token-at-all"), retries=3)
    with pytest.raises(TrainerApiError, match="HTTP 401.*APPRENTICE_BOX_TOKEN") as info:
        client.fetch_batch(1, timeout_ms=0)
    assert info.value.status == 401


def test_gateway_rejects_a_malformed_report_with_its_reason(gateway_env):
    client = TrainerApiClient(GatewayConfig(url=gateway_env["url"], token=TOKEN))
    with pytest.raises(TrainerApiError, match="HTTP 400") as info:
        client.report(step=0, policy_version="", metrics={}, sample_ids=[])
    assert info.value.status == 400



def test_a_sample_superseded_while_the_rollout_held_it_is_not_trained(gateway_env):
    url = gateway_env["url"]
    old = signal_sample("sup-old", 1, None, "thumb_up", "Say yes.", "Yes!")
    assert send_samples(url, TOKEN, [old])["exit_code"] == 0
    args = argparse.Namespace(rollout_batch_size=2, n_samples_per_prompt=1, start_rollout_id=0)
    session = rollout.get_session(args)
    # The rollout leased 'sup-old' and holds it while it waits for a full batch...
    held = session.client.fetch_batch(1, timeout_ms=20_000)
    assert [s.sample_id for s in held.samples] == ["sup-old"]
    session.assembler.add_fetch(held.samples, drained=True)
    # ...when the user's later signal on the same turn replaces it.
    new = {**signal_sample("sup-new", -1, None, "thumb_down", "Say yes.", "Yes!"), "supersedes": "sup-old"}
    other = signal_sample("sup-other", 1, None, "thumb_up", "Say no.", "No!")
    assert send_samples(url, TOKEN, [new, other])["exit_code"] == 0

    groups = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)
    trained = sorted(s.metadata["apprentice_sample_id"] for g in groups for s in g)
    assert trained == ["sup-new", "sup-other"]
    # The report names only what trained; the gateway never marks 'sup-old' trained.
    assert sorted(session.pending_report.sample_ids) == trained
    answer = session.client.report(0, "2", {}, ["sup-old"])
    assert answer["withdrawn"] == ["sup-old"] and answer["trained"] == []


def test_a_restart_before_the_checkpoint_trains_the_lost_samples_again(gateway_env):
    url = gateway_env["url"]
    sent = [
        signal_sample("ckpt-a", 1, None, "thumb_up", "Say one.", "One."),
        signal_sample("ckpt-b", -1, None, "thumb_down", "Say two.", "Three."),
    ]
    assert send_samples(url, TOKEN, sent)["exit_code"] == 0
    # slime saves every 2 steps: step 0's weights are not on disk when it is reported.
    args = argparse.Namespace(rollout_batch_size=1, n_samples_per_prompt=1, start_rollout_id=0, save="/ckpt", save_interval=2)
    first = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)
    assert [s.metadata["apprentice_sample_id"] for g in first for s in g] == ["ckpt-a"]
    second = run_with_deadline(lambda: rollout.generate_rollout(args, 1, None), 60)  # reports step 0, unsaved
    assert [s.metadata["apprentice_sample_id"] for g in second for s in g] == ["ckpt-b"]

    # The trainer dies in step 1 and slime starts over from the base model (no checkpoint: step 0).
    rollout.reset_session()
    again = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)
    assert [s.metadata["apprentice_sample_id"] for g in again for s in g] == ["ckpt-a"]


def test_the_weight_hook_heartbeats_until_the_rollout_says_ready(gateway_env, monkeypatch):
    from apprentice_trainer import weights_hooks

    monkeypatch.setenv("APPRENTICE_UPDATE_HEARTBEAT_S", "0.1")
    assert weights_hooks.announce_updating("9") is True
    sender = weights_hooks.heartbeat_thread()
    assert sender is not None
    time.sleep(0.5)  # a few heartbeats go out while the push "runs"
    assert sender.is_alive()
    client = TrainerApiClient(GatewayConfig(url=gateway_env["url"], token=TOKEN))
    assert client.set_weights("ready", "9")["updating"] is False
    sender.join(10)
    assert not sender.is_alive()  # the next heartbeat heard chat is no longer held, and stopped
    # ...and did not lock chat again.
    assert client.set_weights("updating", None, heartbeat=True)["updating"] is False


def test_a_sample_the_trainer_refuses_settles_as_failed_and_the_app_hears_why(gateway_env):
    url = gateway_env["url"]
    assert send_samples(url, TOKEN, [signal_sample("refused", 1, None, "thumb_up", "Say ok.", "Ok.")])["exit_code"] == 0
    client = TrainerApiClient(GatewayConfig(url=url, token=TOKEN))
    [leased] = client.fetch_batch(1, timeout_ms=20_000).samples
    assert leased.sample_id == "refused"
    assert client.reject([("refused", "loss_mask has 3 entries but response_length is 4"), ("None", "no id")]) == ["refused"]
    assert client.confirm(["refused"]) == {"refused"}  # never trained, never offered again
    seen = send_samples(url, TOKEN, [], "--wait-progress", "error", "--timeout-ms", "30000")
    [event] = [e for e in seen["progress"] if e["kind"] == "error" and "refused" in e["sampleIds"]]
    assert "loss_mask has 3 entries" in event["message"]


def gateway_health(url: str) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{url}/health", timeout=30) as response:
        return json.loads(response.read().decode())


def test_a_colocated_rollout_holds_chat_before_slime_releases_the_engine(gateway_env, monkeypatch):
    # With --colocate slime releases SGLang's memory as soon as the rollout function returns: chat must
    # wait from there until the next rollout says the new weights are live.
    monkeypatch.setenv("APPRENTICE_UPDATE_HEARTBEAT_S", "3600")
    url = gateway_env["url"]
    assert send_samples(url, TOKEN, [signal_sample("colo-a", 1, None, "thumb_up", "Say hello.", "Hello.")])["exit_code"] == 0
    args = argparse.Namespace(rollout_batch_size=1, n_samples_per_prompt=1, start_rollout_id=None, colocate=True)
    assert gateway_health(url)["weightsUpdating"] is False
    batch = run_with_deadline(lambda: rollout.generate_rollout(args, 0, None), 60)
    assert len([s for g in batch for s in g]) == 1  # an earlier test's leftover may come first
    assert gateway_health(url)["weightsUpdating"] is True  # held through the step and the push
    session = rollout.get_session(args)
    rollout.finish_previous_step(args, 1, session)  # what the next rollout does first
    health = gateway_health(url)
    assert health["weightsUpdating"] is False
    assert health["policyVersion"] == "2"
