"""One training step the way slime takes it, for the tiny model: rollout samples → slime's train data →
the plugin's custom loss on the model's logits → one optimizer step.

Mirrors slime (THUDM/slime @ 624b824): `RolloutManager._convert_samples_to_train_data` (rewards by
--reward-key, no normalisation with --disable-rewards-normalization, rollout ids, per-rollout loss-mask
sums), `compute_advantages_and_returns` for grpo with kl_coef 0 (the reward broadcast per token),
`get_sum_of_sample_mean` with per-rollout denominators (cp_size 1), and `loss_function`'s scaling by
1 / step_global_batch_size (rollouts in the step, one micro-batch, one data-parallel rank). The loss
itself is `--custom-loss-function-path apprentice_trainer.loss.apprentice_loss`, unchanged; Megatron's
default --clip-grad 1.0 applies.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable

import torch

from apprentice_trainer.loss import apprentice_loss

from .model import TinyGPT

CLIP_GRAD = 1.0


def slime_args(rollout_batch_size: int, **overrides: Any) -> SimpleNamespace:
    """The slime settings the box scripts use (box/README.md), as slime's parsed args."""
    values: dict[str, Any] = {
        "rollout_batch_size": rollout_batch_size,
        "n_samples_per_prompt": 1,
        "global_batch_size": rollout_batch_size,
        "num_steps_per_rollout": 1,
        "rollout_temperature": 1.0,
        "advantage_estimator": "grpo",
        "rewards_normalization": False,
        "normalize_advantages": False,
        "use_rollout_logprobs": True,
        "reward_key": "score",
        "loss_type": "custom_loss",
        "eps_clip": 0.2,
        "eps_clip_high": 0.28,
        "use_kl_loss": False,
        "kl_loss_coef": 0.0,
        "entropy_coef": 0.0,
        "update_weight_start_version": 0,
        "start_rollout_id": 0,
        "save_interval": 1,
        "save": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def flatten_rollout(groups: list[list[Any]]) -> list[Any]:
    return [sample for group in groups for sample in group]


def rollout_ids_of(samples: list[Any]) -> list[int]:
    """slime's rule: a sample's rollout_id, or a fresh id for samples without one."""
    ids: list[int | None] = [getattr(s, "rollout_id", None) for s in samples]
    taken = {i for i in ids if i is not None}
    fresh = 0
    out: list[int] = []
    for rid in ids:
        if rid is None:
            while fresh in taken:
                fresh += 1
            rid = fresh
            taken.add(rid)
        out.append(rid)
    return out


def reward_of(sample: Any, key: str) -> float:
    reward = sample.reward
    return float(reward[key] if isinstance(reward, dict) else reward)


def train_data(args: SimpleNamespace, samples: list[Any]) -> dict[str, Any]:
    """slime's train data and advantages for one step (grpo, kl 0, raw rewards)."""
    rollout_ids = rollout_ids_of(samples)
    loss_masks = [torch.tensor(s.loss_mask, dtype=torch.float32) for s in samples]
    totals: dict[int, float] = {}
    for rid, mask in zip(rollout_ids, loss_masks, strict=True):
        totals[rid] = totals.get(rid, 0.0) + float(mask.sum())
    rewards = [reward_of(s, args.reward_key) for s in samples]
    batch: dict[str, Any] = {
        "unconcat_tokens": [torch.tensor(s.tokens, dtype=torch.long) for s in samples],
        "total_lengths": [len(s.tokens) for s in samples],
        "response_lengths": [s.response_length for s in samples],
        "loss_masks": loss_masks,
        "rollout_ids": rollout_ids,
        "rollout_mask_sums": [torch.tensor(totals[rid]) for rid in rollout_ids],
        "rollout_log_probs": [torch.tensor(s.rollout_log_probs, dtype=torch.float32) for s in samples],
        # get_grpo_returns: the reward on every response token.
        "advantages": [torch.full((s.response_length,), r, dtype=torch.float32) for s, r in zip(samples, rewards, strict=True)],
    }
    batch["returns"] = batch["advantages"]
    # slime forwards teacher log-probs only if every sample has them (the plugin sees to it).
    if all(getattr(s, "teacher_log_probs", None) is not None for s in samples):
        batch["teacher_log_probs"] = [torch.as_tensor(s.teacher_log_probs, dtype=torch.float32) for s in samples]
    return batch


def sum_of_sample_mean_fn(batch: dict[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """slime's get_sum_of_sample_mean (cp_size 1) with per-rollout denominators: one token-weighted
    mean per rollout, summed over rollouts."""
    lengths = batch["response_lengths"]
    masks = batch["loss_masks"]
    denoms = batch["rollout_mask_sums"]

    def reduce(x: torch.Tensor) -> torch.Tensor:
        return sum(
            (part * mask).sum() / torch.clamp_min(denom, 1)
            for part, mask, denom in zip(x.split(lengths, dim=0), masks, denoms, strict=True)
        )

    return reduce


def packed_logits(model: TinyGPT, tokens: list[torch.Tensor]) -> torch.Tensor:
    """Logits [1, ΣT, V] of the samples packed one after another, as Megatron hands them to the loss."""
    width = max(t.numel() for t in tokens)
    padded = torch.zeros((len(tokens), width), dtype=torch.long)
    for row, t in enumerate(tokens):
        padded[row, : t.numel()] = t
    logits = model(padded)  # causal: the padding after a sample does not change its logits
    return torch.cat([logits[row, : t.numel()] for row, t in enumerate(tokens)], dim=0).unsqueeze(0)


def train_step(
    model: TinyGPT, optimizer: torch.optim.Optimizer, args: SimpleNamespace, samples: list[Any]
) -> dict[str, float]:
    """One optimizer step on one rollout's samples; returns the loss's metrics (floats)."""
    batch = train_data(args, samples)
    model.train()
    logits = packed_logits(model, batch["unconcat_tokens"])
    loss, metrics = apprentice_loss(args, batch, logits, sum_of_sample_mean_fn(batch))
    rollouts = len(set(batch["rollout_ids"]))
    scaled = loss / rollouts  # loss_function: × num_microbatches (1) / step_global_batch_size
    optimizer.zero_grad(set_to_none=True)
    scaled.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_GRAD)
    optimizer.step()
    model.eval()
    out = {k: float(v) / rollouts for k, v in metrics.items()}
    out["grad_norm"] = float(grad_norm)
    out["rollouts"] = float(rollouts)
    return out
