import argparse
import logging

import pytest

from apprentice_trainer.config import ConfigError, advantage_weights_from_env, gateway_config_from_env
from apprentice_trainer.policy_version import initial_policy_version, policy_version_after_step, saved_through_step
from apprentice_trainer.weights_hooks import announce_before_train_step


def test_gateway_config_reads_the_token_file_the_gateway_writes(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("abcdefghijklmnopqrstuvwxyz\n")
    config = gateway_config_from_env(
        {"APPRENTICE_GATEWAY_URL": "http://127.0.0.1:8787/", "APPRENTICE_BOX_TOKEN_FILE": str(token_file)}
    )
    assert config.url == "http://127.0.0.1:8787"
    assert config.token == "abcdefghijklmnopqrstuvwxyz"
    assert config.batch_timeout_ms == 30_000


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "APPRENTICE_GATEWAY_URL"),
        ({"APPRENTICE_GATEWAY_URL": "127.0.0.1:8787", "APPRENTICE_BOX_TOKEN": "t"}, "http"),
        ({"APPRENTICE_GATEWAY_URL": "http://127.0.0.1:1"}, "APPRENTICE_BOX_TOKEN"),
        ({"APPRENTICE_GATEWAY_URL": "http://127.0.0.1:1", "APPRENTICE_BOX_TOKEN_FILE": "/nonexistent/token"},
         "cannot read"),
        ({"APPRENTICE_GATEWAY_URL": "http://h:1", "APPRENTICE_BOX_TOKEN": "t", "APPRENTICE_BATCH_TIMEOUT_MS": "x"},
         "must be a number"),
    ],
)
def test_gateway_config_errors_say_what_to_set(env, message):
    with pytest.raises(ConfigError, match=message):
        gateway_config_from_env(env)


def test_advantage_weights_default_to_the_papers_and_parse_overrides():
    assert advantage_weights_from_env({}).w_opd == 1.0
    weights = advantage_weights_from_env({"APPRENTICE_W_OPD": "0.5", "APPRENTICE_W_RL": "2", "APPRENTICE_OPD_IN_REWARD": "1"})
    assert (weights.w_opd, weights.w_rl, weights.opd_in_reward) == (0.5, 2.0, True)
    with pytest.raises(ConfigError, match="APPRENTICE_W_RL"):
        advantage_weights_from_env({"APPRENTICE_W_RL": "lots"})


def test_policy_version_follows_slimes_weight_counter():
    fresh = argparse.Namespace(start_rollout_id=0)
    assert initial_policy_version(fresh) == "1"  # the push before the first rollout
    assert policy_version_after_step(fresh, 0) == "2"
    assert policy_version_after_step(fresh, 9) == "11"


def test_a_resumed_run_counts_versions_from_the_step_it_started_at():
    # slime 624b824 restarts its weight counter at 0 in every run and sets start_rollout_id on the
    # driver only after the RolloutManager and the train actors got their args: a run resumed at step
    # 40 shows None there, and SGLang reports 1 (initial push), then 2 after step 40.
    resumed = argparse.Namespace(start_rollout_id=None)
    assert initial_policy_version(resumed) == "1"
    assert policy_version_after_step(resumed, 40, started_at_step=40) == "2"
    assert policy_version_after_step(resumed, 43, started_at_step=40) == "5"
    assert policy_version_after_step(resumed, 40) == "42"  # what args alone would have announced


def test_saved_through_step_follows_slimes_save_interval():
    every_20 = argparse.Namespace(start_rollout_id=0, save="/ckpt", save_interval=20)
    assert saved_through_step(every_20, 0) == -1  # nothing on disk yet
    assert saved_through_step(every_20, 18) == -1
    assert saved_through_step(every_20, 19) == 19  # (19 + 1) % 20 == 0: saved after step 19
    assert saved_through_step(every_20, 25) == 19
    resumed = argparse.Namespace(start_rollout_id=None, save="/ckpt", save_interval=20)
    assert saved_through_step(resumed, 41, started_at_step=40) == 39  # the checkpoint it resumed from
    assert saved_through_step(argparse.Namespace(start_rollout_id=0, save=None, save_interval=20), 50) == -1
    assert saved_through_step(argparse.Namespace(), 3) is None  # not slime: every step counts as saved


def test_weight_hook_never_stops_training_when_the_gateway_is_down(monkeypatch, caplog):
    monkeypatch.setenv("APPRENTICE_GATEWAY_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("APPRENTICE_BOX_TOKEN", "abcdefghijklmnopqrstuvwxyz")
    args = argparse.Namespace(num_steps_per_rollout=1, start_rollout_id=0)
    with caplog.at_level(logging.WARNING, logger="apprentice_trainer.weights_hooks"):
        announce_before_train_step(args, 0, 0, None, None, None)
    assert "could not announce the weight update" in caplog.text
