"""generate_rollout refuses slime settings that would silently train on the wrong numbers."""

import argparse

import pytest

from apprentice_trainer import rollout


def slime_args(**overrides):
    base = dict(
        rollout_batch_size=1,
        n_samples_per_prompt=1,
        rollout_temperature=1.0,
        rewards_normalization=False,
        normalize_advantages=False,
        use_rollout_logprobs=True,
    )
    base.update(overrides)
    return argparse.Namespace(**base)


def test_the_scripts_settings_pass():
    rollout.check_slime_args(slime_args())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rewards_normalization": True}, "--disable-rewards-normalization"),
        ({"normalize_advantages": True}, "remove --normalize-advantages"),
    ],
)
def test_reward_and_advantage_normalisation_are_refused(overrides, message):
    with pytest.raises(rollout.SlimeSettingsError, match=message):
        rollout.generate_rollout(slime_args(**overrides), 0, None)


def test_a_rollout_temperature_other_than_one_is_refused_before_any_request():
    with pytest.raises(rollout.SlimeSettingsError, match="--rollout-temperature is 0.6.*needs 1.0"):
        rollout.generate_rollout(slime_args(rollout_temperature=0.6), 0, None)
