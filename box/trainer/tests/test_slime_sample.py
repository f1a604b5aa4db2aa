import pytest
import torch

from apprentice_trainer.config import AdvantageWeights
from apprentice_trainer.slime_sample import load_sample_class, to_slime_sample
from apprentice_trainer.trainer_sample import TrainerSampleError, parse_trainer_sample
from trainer_sample_fixtures import trainer_sample_json


def test_trainer_sample_becomes_a_slime_sample_one_to_one():
    parsed = parse_trainer_sample(trainer_sample_json(index=7, reward=-1))
    sample = to_slime_sample(parsed, group_index=2, rollout_id=2)
    Sample = load_sample_class()
    assert isinstance(sample, Sample)
    assert sample.tokens == [101, 102, 103, 104, 200, 201, 202]
    assert sample.response_length == 3
    assert sample.loss_mask == [1, 1, 1]
    assert sample.rollout_log_probs == pytest.approx([-1.0, -1.1, -1.2])
    assert sample.reward == {"score": -1.0}
    assert isinstance(sample.teacher_log_probs, torch.Tensor)
    assert sample.teacher_log_probs.dtype == torch.float32
    assert torch.allclose(sample.teacher_log_probs, torch.tensor([-0.5, -0.6, -0.7]))
    assert sample.index == 7 and sample.group_index == 2 and sample.rollout_id == 2
    assert sample.status == Sample.Status.COMPLETED
    assert sample.metadata["persona_id"] == "persona-a"
    assert sample.metadata["source_sample_id"] == "src1"
    assert sample.metadata["apprentice_sample_id"] == "s1"
    assert sample.metadata["has_teacher"] is True
    assert sample.weight_versions == ["3"]


def test_sample_without_hint_carries_its_rollout_log_probs_as_teacher():
    sample = to_slime_sample(parse_trainer_sample(trainer_sample_json(teacher=False, reward=1)), group_index=0)
    assert torch.allclose(sample.teacher_log_probs, torch.tensor(sample.rollout_log_probs))
    assert sample.metadata["has_teacher"] is False
    assert sample.reward == {"score": 1.0}


def test_opd_can_ride_in_the_reward_for_backends_without_custom_loss():
    parsed = parse_trainer_sample(trainer_sample_json(reward=0, loss_mask=[1, 1, 0]))
    sample = to_slime_sample(parsed, 0, AdvantageWeights(w_opd=2.0, w_rl=1.0, opd_in_reward=True))
    # teacher − rollout is 0.5 on every token; the masked third token does not count.
    assert sample.reward["score"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"loss_mask": [1, 1]}, "loss_mask"),
        ({"rollout_log_probs": [-1.0]}, "rollout_log_probs has 1 entries"),
        ({"teacher_log_probs": [-1.0, -1.0, -1.0, -1.0]}, "teacher_log_probs has 4 entries"),
        ({"response_length": 7}, "leave a prompt"),
        ({"tokens": [1, -2, 3, 4, 5, 6, 7]}, "tokens\\[1\\]"),
        ({"reward": float("nan")}, "reward must be a finite number"),
        ({"sampleId": ""}, "sampleId"),
        ({"loss_mask": [1, 2, 1]}, "loss_mask\\[1\\] must be 0 or 1"),
        ({"retokenized": "no"}, "retokenized"),
        ({"index": True}, "index"),
    ],
)
def test_contract_breaks_are_named(overrides, message):
    with pytest.raises(TrainerSampleError, match=message):
        parse_trainer_sample(trainer_sample_json(**overrides))
