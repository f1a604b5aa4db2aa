"""The driver's training step: slime's train data, the plugin's loss on the tiny model's logits, one step."""

import pytest
import torch

from apprentice_trainer.config import AdvantageWeights
from apprentice_trainer.slime_sample import to_slime_sample
from apprentice_trainer.trainer_sample import TrainerSample
from tiny_model_fixtures import make_model_folder
from tiny_model.chat_template import render_chat
from tiny_model.model import load_model
from tiny_model.model_folder import read_tokenizer
from tiny_model.slime_step import packed_logits, slime_args, sum_of_sample_mean_fn, train_data, train_step

MESSAGES = [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "how do i make tea?"}]


def response_log_prob(model, tokens, response_length):
    with torch.no_grad():
        lp = torch.log_softmax(model(torch.tensor([tokens]))[0], dim=-1)
    start = len(tokens) - response_length
    return sum(float(lp[p - 1, tokens[p]]) for p in range(start, len(tokens)))


def trainer_sample(model, prompt, response, reward, *, sample_id="s1", source=None, teacher=None):
    tokens = prompt + response
    with torch.no_grad():
        lp = torch.log_softmax(model(torch.tensor([tokens]))[0], dim=-1)
    old = [float(lp[p - 1, tokens[p]]) for p in range(len(prompt), len(tokens))]
    return TrainerSample(
        sample_id=sample_id,
        persona_id="p",
        source_sample_id=source or sample_id,
        index=1,
        tokens=tokens,
        response_length=len(response),
        loss_mask=[1] * len(response),
        rollout_log_probs=old,
        reward=float(reward),
        teacher_log_probs=teacher(old) if teacher else None,
        retokenized=False,
        hint="Use a more casual, natural tone." if teacher else None,
        policy_version="1",
    )


@pytest.fixture()
def tiny(tmp_path):
    folder = make_model_folder(tmp_path / "m", seed=5)
    tokenizer, _ = read_tokenizer(folder)
    prompt = tokenizer.encode(render_chat(MESSAGES, add_generation_prompt=True))
    casual = tokenizer.encode("Sure thing! Just dunk the tea in hot water for about three minutes. Cheers!<|im_end|>")
    return load_model(folder), prompt, casual


def step(model, samples, w_rl, w_opd, monkeypatch, lr=1e-2):
    monkeypatch.setenv("APPRENTICE_W_RL", str(w_rl))
    monkeypatch.setenv("APPRENTICE_W_OPD", str(w_opd))
    weights = AdvantageWeights(w_opd=w_opd, w_rl=w_rl)
    slime = [to_slime_sample(s, i, weights, rollout_id=i) for i, s in enumerate(samples)]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.1)
    return train_step(model, optimizer, slime_args(len(slime)), slime)


@pytest.mark.parametrize("reward,direction", [(1, 1), (-1, -1)])
def test_binary_reward_moves_the_reply_log_prob_its_way(tiny, monkeypatch, reward, direction):
    model, prompt, reply = tiny
    before = response_log_prob(model, prompt + reply, len(reply))
    metrics = step(model, [trainer_sample(model, prompt, reply, reward)], w_rl=1, w_opd=1, monkeypatch=monkeypatch)
    after = response_log_prob(model, prompt + reply, len(reply))
    assert direction * (after - before) > 0
    assert metrics["rl_advantage"] == pytest.approx(reward)
    assert metrics["opd_advantage"] == 0  # no hint: the sample carries its own log-probs as the teacher's


def test_teacher_above_the_rollout_pulls_the_reply_up_without_any_reward(tiny, monkeypatch):
    model, prompt, reply = tiny
    before = response_log_prob(model, prompt + reply, len(reply))
    sample = trainer_sample(model, prompt, reply, 0, teacher=lambda old: [x + 1.0 for x in old])
    metrics = step(model, [sample], w_rl=0, w_opd=1, monkeypatch=monkeypatch)
    assert response_log_prob(model, prompt + reply, len(reply)) > before
    assert metrics["opd_advantage"] == pytest.approx(1.0)


def test_zero_weights_give_no_gradient(tiny, monkeypatch):
    model, prompt, reply = tiny
    sample = trainer_sample(model, prompt, reply, 1, teacher=lambda old: [x + 1.0 for x in old])
    metrics = step(model, [sample], w_rl=0, w_opd=0, monkeypatch=monkeypatch)
    assert metrics["grad_norm"] == 0 and metrics["loss"] == 0


def test_train_data_is_slimes_per_rollout_mean(tiny):
    model, prompt, reply = tiny
    served = trainer_sample(model, prompt, reply, -1, sample_id="a")
    regen_1 = trainer_sample(model, prompt, reply[:5], 0, sample_id="a#onpolicy-0", source="a", teacher=lambda old: old)
    regen_2 = trainer_sample(model, prompt, reply[:3], 0, sample_id="a#onpolicy-1", source="a", teacher=lambda old: old)
    weights = AdvantageWeights()
    samples = [to_slime_sample(served, 0, weights, rollout_id=0), to_slime_sample(regen_1, 0, weights, rollout_id=1), to_slime_sample(regen_2, 0, weights, rollout_id=1)]
    batch = train_data(slime_args(2), samples)
    assert batch["rollout_ids"] == [0, 1, 1]
    assert [float(m) for m in batch["rollout_mask_sums"]] == [len(reply), 8.0, 8.0]
    assert batch["advantages"][0].tolist() == [-1.0] * len(reply)
    assert "teacher_log_probs" in batch  # every sample has some (the served one its own log-probs)
    # One token-weighted mean per rollout: ones everywhere sum to exactly one per rollout.
    reduce = sum_of_sample_mean_fn(batch)
    assert float(reduce(torch.ones(len(reply) + 8))) == pytest.approx(2.0)


def test_packed_logits_are_each_samples_own(tiny):
    model, prompt, reply = tiny
    tokens = [torch.tensor(prompt + reply), torch.tensor(prompt[:4])]
    packed = packed_logits(model, tokens)
    assert packed.shape[:2] == (1, len(prompt) + len(reply) + 4)
    with torch.no_grad():
        alone = model(tokens[1].unsqueeze(0))[0]
    assert torch.allclose(packed[0, len(prompt) + len(reply) :], alone, atol=1e-5)
