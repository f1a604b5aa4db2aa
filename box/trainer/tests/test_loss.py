import argparse

import pytest
import torch

from apprentice_trainer.loss import (
    apprentice_loss,
    combined_policy_loss,
    masked_mean,
    response_log_probs_from_logits,
)


def grad_of(log_probs_values, **kwargs):
    log_probs = torch.tensor(log_probs_values, dtype=torch.float32, requires_grad=True)
    loss, metrics = combined_policy_loss(log_probs, **kwargs)
    loss.backward()
    return log_probs.grad, loss, metrics


def test_teacher_above_old_raises_that_tokens_log_prob_and_negative_reward_lowers_it():
    old = torch.tensor([-1.0, -1.0, -1.0])
    teacher = torch.tensor([-0.2, -1.0, -1.0])  # the teacher likes token 0 more than the student did
    rewards = torch.tensor([0.0, 0.0, 0.0])
    grad, _, metrics = grad_of(
        [-1.0, -1.0, -1.0], old_log_probs=old, teacher_log_probs=teacher, rewards=rewards, loss_mask=torch.ones(3)
    )
    assert grad[0] < 0  # gradient descent moves log_prob[0] up
    assert grad[1] == 0 and grad[2] == 0
    assert metrics["opd_advantage"] > 0

    grad, _, metrics = grad_of(
        [-1.0, -1.0, -1.0],
        old_log_probs=old,
        teacher_log_probs=None,
        rewards=torch.tensor([-1.0, -1.0, -1.0]),
        loss_mask=torch.ones(3),
    )
    assert torch.all(grad > 0)  # descent lowers every token of a reply the user rejected
    assert metrics["rl_advantage"] == pytest.approx(-1.0)


def test_weights_scale_the_two_terms():
    old = torch.tensor([-1.0])
    teacher = torch.tensor([-0.5])
    base, _, _ = grad_of([-1.0], old_log_probs=old, teacher_log_probs=teacher, rewards=torch.tensor([1.0]),
                         loss_mask=torch.ones(1))
    no_opd, _, _ = grad_of([-1.0], old_log_probs=old, teacher_log_probs=teacher, rewards=torch.tensor([1.0]),
                           loss_mask=torch.ones(1), w_opd=0.0)
    no_rl, _, _ = grad_of([-1.0], old_log_probs=old, teacher_log_probs=teacher, rewards=torch.tensor([1.0]),
                          loss_mask=torch.ones(1), w_rl=0.0)
    # ratio = 1, so d(loss)/d(logp) = −A: A = 0.5 + 1, 1, 0.5.
    assert base.item() == pytest.approx(-1.5)
    assert no_opd.item() == pytest.approx(-1.0)
    assert no_rl.item() == pytest.approx(-0.5)


@pytest.mark.parametrize(
    "new_minus_old, reward, clipped",
    [
        (0.5, 1.0, True),  # ratio e^0.5 ≈ 1.65 > 1.28 with A > 0: no further push up
        (0.2, 1.0, False),  # ratio ≈ 1.22 inside 1.28: still learning
        (-0.5, -1.0, True),  # ratio ≈ 0.61 < 0.8 with A < 0: no further push down
        (-0.1, -1.0, False),  # ratio ≈ 0.90 inside 0.8
        (0.5, -1.0, False),  # ratio above the band but A < 0: the unclipped side pulls it back
        (-0.5, 1.0, False),  # ratio below the band but A > 0: pulled back up
    ],
)
def test_clipping_bounds_the_step_asymmetrically(new_minus_old, reward, clipped):
    old = torch.tensor([-2.0])
    grad, _, metrics = grad_of(
        [-2.0 + new_minus_old], old_log_probs=old, teacher_log_probs=None, rewards=torch.tensor([reward]),
        loss_mask=torch.ones(1), eps_clip=0.2, eps_clip_high=0.28,
    )
    if clipped:
        assert grad.item() == 0.0
        assert metrics["pg_clipfrac"].item() == 1.0
    else:
        assert grad.item() != 0.0
        assert metrics["pg_clipfrac"].item() == 0.0


def test_upper_clip_is_wider_than_lower():
    old = torch.tensor([0.0])
    # log(1.25) sits inside the 0.28 upper band but outside a symmetric 0.2 band.
    inside, _, _ = grad_of([0.2231], old_log_probs=old, teacher_log_probs=None, rewards=torch.tensor([1.0]),
                           loss_mask=torch.ones(1), eps_clip=0.2, eps_clip_high=0.28)
    symmetric, _, _ = grad_of([0.2231], old_log_probs=old, teacher_log_probs=None, rewards=torch.tensor([1.0]),
                              loss_mask=torch.ones(1), eps_clip=0.2, eps_clip_high=0.2)
    assert inside.item() != 0.0
    assert symmetric.item() == 0.0


def test_masked_tokens_get_no_gradient_even_with_extreme_values():
    old = torch.tensor([-1.0, -1.0, -1.0, -1.0])
    teacher = torch.tensor([-0.5, -0.5, -0.5, -0.5])  # A = 0.5 − 1 = −0.5 on every token
    log_probs = [-1.0, 80.0, -1.0, -1.0]  # token 1's ratio overflows to inf
    grad, loss, _ = grad_of(
        log_probs, old_log_probs=old, teacher_log_probs=teacher, rewards=torch.tensor([-1.0, -1.0, -1.0, -1.0]),
        loss_mask=torch.tensor([1, 0, 1, 0]),
    )
    assert torch.isfinite(loss)
    assert grad[1] == 0 and grad[3] == 0
    assert grad[0] != 0 and grad[2] != 0


def test_kl_term_pulls_toward_the_reference():
    zeros = torch.zeros(2)
    grad, _, metrics = grad_of(
        [-1.0, -1.0], old_log_probs=torch.tensor([-1.0, -1.0]), teacher_log_probs=None, rewards=zeros,
        loss_mask=torch.ones(2), kl_coef=0.5, ref_log_probs=torch.tensor([-0.5, -1.5]),
    )
    assert grad[0] < 0  # reference is above: descent raises it
    assert grad[1] > 0  # reference is below: descent lowers it
    assert metrics["kl_loss"] > 0
    grad_without, _, _ = grad_of(
        [-1.0, -1.0], old_log_probs=torch.tensor([-1.0, -1.0]), teacher_log_probs=None, rewards=zeros,
        loss_mask=torch.ones(2), kl_coef=0.0, ref_log_probs=torch.tensor([-0.5, -1.5]),
    )
    assert torch.all(grad_without == 0)


def test_loss_is_the_masked_mean_of_the_surrogate():
    old = torch.tensor([-1.0, -1.0, -1.0])
    _, loss, _ = grad_of(
        [-1.0, -1.0, -1.0], old_log_probs=old, teacher_log_probs=None, rewards=torch.tensor([1.0, 3.0, 100.0]),
        loss_mask=torch.tensor([1, 1, 0]),
    )
    assert loss.item() == pytest.approx(-2.0)  # −mean(1, 3); the masked 100 does not count
    assert masked_mean(torch.tensor([5.0]), torch.tensor([0])).item() == 0.0


def test_response_log_probs_are_read_from_packed_logits():
    torch.manual_seed(0)
    vocab = 7
    a_tokens = torch.tensor([1, 2, 3, 4])  # prompt 2, response 2
    b_tokens = torch.tensor([5, 6, 0])  # prompt 2, response 1
    logits = torch.randn(1, 7, vocab)
    log_probs, entropies = response_log_probs_from_logits(
        logits, [a_tokens, b_tokens], [4, 3], [2, 1], temperature=0.5, with_entropy=True
    )
    full = torch.log_softmax(logits[0] / 0.5, dim=-1)
    assert torch.allclose(log_probs[0], torch.stack([full[1, 3], full[2, 4]]))
    assert torch.allclose(log_probs[1], full[5, 0].reshape(1))
    assert entropies[0].shape == (2,) and torch.all(entropies[0] > 0)


def slime_args(**overrides):
    values = dict(
        use_rollout_logprobs=True, eps_clip=0.2, eps_clip_high=0.28, kl_loss_coef=0.0, use_kl_loss=False,
        entropy_coef=0.0, rollout_temperature=1.0,
    )
    values.update(overrides)
    return argparse.Namespace(**values)


def test_slime_adapter_trains_toward_the_teacher_and_away_from_rejected_replies(monkeypatch):
    """One optimizer step through apprentice_loss with slime's batch layout moves real logits."""
    monkeypatch.setenv("APPRENTICE_W_OPD", "1")
    monkeypatch.setenv("APPRENTICE_W_RL", "1")
    torch.manual_seed(1)
    vocab = 5
    hinted = torch.tensor([0, 1, 2, 3])  # response = tokens 2, 3; the teacher prefers both
    rejected = torch.tensor([4, 0, 1])  # response = token 1; reward −1, no hint
    logits = torch.zeros(1, 7, vocab, requires_grad=True)
    with torch.no_grad():
        before, _ = response_log_probs_from_logits(logits, [hinted, rejected], [4, 3], [2, 1])
    old = [b.clone() for b in before]
    batch = {
        "unconcat_tokens": [hinted, rejected],
        "total_lengths": [4, 3],
        "response_lengths": [2, 1],
        "rollout_log_probs": old,
        "teacher_log_probs": [old[0] + 1.0, old[1].clone()],  # no-hint sample carries its own log-probs
        "advantages": [torch.zeros(2), torch.full((1,), -1.0)],
        "loss_masks": [torch.ones(2, dtype=torch.int), torch.ones(1, dtype=torch.int)],
    }

    def sum_of_sample_mean(values):
        return sum(masked_mean(part, mask) for part, mask in zip(values.split([2, 1]), batch["loss_masks"]))

    loss, metrics = apprentice_loss(slime_args(), batch, logits, sum_of_sample_mean)
    assert set(metrics) >= {"loss", "pg_loss", "pg_clipfrac", "ppo_kl", "opd_advantage", "rl_advantage"}
    loss.backward()
    with torch.no_grad():
        logits -= 0.5 * logits.grad
        after, _ = response_log_probs_from_logits(logits, [hinted, rejected], [4, 3], [2, 1])
    assert torch.all(after[0] > before[0])
    assert torch.all(after[1] < before[1])


def test_slime_adapter_reports_missing_advantages_clearly():
    logits = torch.zeros(1, 3, 4, requires_grad=True)
    batch = {
        "unconcat_tokens": [torch.tensor([0, 1, 2])], "total_lengths": [3], "response_lengths": [1],
        "rollout_log_probs": [torch.zeros(1)], "loss_masks": [torch.ones(1)],
    }
    with pytest.raises(ValueError, match="advantage-estimator grpo"):
        apprentice_loss(slime_args(), batch, logits, lambda v: v.sum())
