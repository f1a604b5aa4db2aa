"""The combined OpenClaw-RL objective as a slime custom loss.

    --loss-type custom_loss --custom-loss-function-path apprentice_trainer.loss.apprentice_loss
    --advantage-estimator grpo --disable-rewards-normalization   (so batch["advantages"] is the raw reward)

Per response token: A = w_opd·(teacher_logp − old_logp) + w_rl·reward, fed to the PPO clipped surrogate
with asymmetric clipping [1 − eps_clip, 1 + eps_clip_high], plus an optional low-variance KL to a
reference, averaged over loss_mask.

How slime's batch maps (every per-sample entry is a list with one tensor per sample in the micro-batch):
  logits               [1, T, V] packed sequences → new log-probs of the response tokens
  unconcat_tokens, total_lengths, response_lengths   locate each sample's response inside the packing
  log_probs / rollout_log_probs   old_logp (rollout ones with --use-rollout-logprobs)
  teacher_log_probs    present only when every sample carries them (the rollout function sees to it)
  advantages           w_rl's reward, broadcast per token by the grpo estimator
  ref_log_probs        with --use-kl-loss; coefficient --kl-loss-coef
  loss_masks           applied through slime's sum_of_sample_mean reducer
Weights come from APPRENTICE_W_OPD / APPRENTICE_W_RL (default 1.0).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import torch

from .config import advantage_weights_from_env

Reducer = Callable[[torch.Tensor], torch.Tensor]


def masked_mean(values: torch.Tensor, loss_mask: torch.Tensor) -> torch.Tensor:
    mask = loss_mask.to(values.dtype)
    return (values * mask).sum() / mask.sum().clamp_min(1.0)


def low_var_kl(log_probs: torch.Tensor, ref_log_probs: torch.Tensor) -> torch.Tensor:
    """k3 estimator of KL(π‖ref); its gradient pulls log_probs toward ref_log_probs."""
    log_ratio = ref_log_probs - log_probs
    return (log_ratio.exp() - log_ratio - 1).clamp(-10.0, 10.0)


def combined_policy_loss(
    log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    teacher_log_probs: torch.Tensor | None,
    rewards: torch.Tensor,
    loss_mask: torch.Tensor | None,
    *,
    w_opd: float = 1.0,
    w_rl: float = 1.0,
    eps_clip: float = 0.2,
    eps_clip_high: float = 0.28,
    kl_coef: float = 0.0,
    ref_log_probs: torch.Tensor | None = None,
    reduce: Reducer | None = None,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """All tensors are flat per response token. `reduce` defaults to the mean over loss_mask."""
    if reduce is None:
        if loss_mask is None:
            raise ValueError("combined_policy_loss needs loss_mask or a reduce function")
        mask_for_mean = loss_mask
        reduce = lambda values: masked_mean(values, mask_for_mean)  # noqa: E731

    old = old_log_probs.detach()
    opd_advantage = torch.zeros_like(old)
    if teacher_log_probs is not None and w_opd != 0.0:
        opd_advantage = w_opd * (teacher_log_probs.detach().to(old) - old)
    rl_advantage = w_rl * rewards.detach().to(old)
    advantage = opd_advantage + rl_advantage

    ratio = (log_probs - old).exp()
    unclipped = -advantage * ratio
    clipped = -advantage * ratio.clamp(1.0 - eps_clip, 1.0 + eps_clip_high)
    per_token = torch.maximum(unclipped, clipped)
    clipped_tokens = (clipped > unclipped).to(old.dtype)

    keep = None if loss_mask is None else loss_mask.to(torch.bool)

    def masked(values: torch.Tensor) -> torch.Tensor:
        # where(), not multiply: a masked token with an extreme ratio must not leak inf·0 = nan.
        return values if keep is None else torch.where(keep, values, torch.zeros_like(values))

    pg_loss = reduce(masked(per_token))
    loss = pg_loss
    metrics: dict[str, torch.Tensor] = {
        "pg_loss": pg_loss.detach(),
        "pg_clipfrac": reduce(masked(clipped_tokens)).detach(),
        "ppo_kl": reduce(masked(old - log_probs.detach())).detach(),
        "opd_advantage": reduce(masked(opd_advantage)).detach(),
        "rl_advantage": reduce(masked(rl_advantage)).detach(),
    }
    if ref_log_probs is not None and kl_coef != 0.0:
        kl_loss = reduce(masked(low_var_kl(log_probs, ref_log_probs.detach().to(log_probs))))
        loss = loss + kl_coef * kl_loss
        metrics["kl_loss"] = kl_loss.detach()
    metrics["loss"] = loss.detach()
    return loss, metrics


def response_log_probs_from_logits(
    logits: torch.Tensor,
    tokens: list[torch.Tensor],
    total_lengths: list[int],
    response_lengths: list[int],
    temperature: float = 1.0,
    with_entropy: bool = False,
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Log-probs (and entropies) of each sample's response tokens from packed [1, T, V] logits.

    Used when slime's tensor-parallel aware helper is unavailable (single device, no Megatron).
    Position p's logits predict token p + 1, so a response starting at offset s is scored by s − 1 … end − 2.
    """
    flat = logits.squeeze(0).float() / temperature
    log_probs: list[torch.Tensor] = []
    entropies: list[torch.Tensor] = []
    offset = 0
    for sample_tokens, total, response in zip(tokens, total_lengths, response_lengths, strict=True):
        start = offset + total - response
        step_logits = flat[start - 1 : offset + total - 1]
        step_log_probs = torch.log_softmax(step_logits, dim=-1)
        targets = torch.as_tensor(sample_tokens, device=flat.device)[total - response : total].long()
        log_probs.append(step_log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1))
        if with_entropy:
            entropies.append(-(step_log_probs.exp() * step_log_probs).sum(-1))
        offset += total
    return log_probs, entropies


def _new_log_probs(args: Any, batch: dict, logits: torch.Tensor, with_entropy: bool) -> tuple[list, list]:
    try:
        from slime.backends.megatron_utils.loss import get_log_probs_and_entropy  # type: ignore[import-not-found]
    except ImportError:
        return response_log_probs_from_logits(
            logits,
            batch["unconcat_tokens"],
            batch["total_lengths"],
            batch["response_lengths"],
            float(getattr(args, "rollout_temperature", 1.0) or 1.0),
            with_entropy,
        )
    kwargs: dict[str, Any] = {
        "args": args,
        "unconcat_tokens": batch["unconcat_tokens"],
        "total_lengths": batch["total_lengths"],
        "response_lengths": batch["response_lengths"],
        "with_entropy": with_entropy,
    }
    # Older slime builds (e.g. the one OpenClaw-RL vendors) also take max_seq_lens.
    if "max_seq_lens" in inspect.signature(get_log_probs_and_entropy).parameters:
        kwargs["max_seq_lens"] = batch.get("max_seq_lens")
    _, result = get_log_probs_and_entropy(logits, **kwargs)
    return result["log_probs"], result.get("entropy", [])


def apprentice_loss(
    args: Any, batch: dict, logits: torch.Tensor, sum_of_sample_mean: Reducer
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    weights = advantage_weights_from_env()
    entropy_coef = float(getattr(args, "entropy_coef", 0.0) or 0.0)
    new_list, entropy_list = _new_log_probs(args, batch, logits, with_entropy=entropy_coef != 0.0)
    log_probs = torch.cat(new_list, dim=0)
    device = log_probs.device

    old_key = "rollout_log_probs" if getattr(args, "use_rollout_logprobs", False) else "log_probs"
    old_log_probs = torch.cat([t.to(device) for t in batch[old_key]], dim=0)
    teacher_list = batch.get("teacher_log_probs")
    teacher = torch.cat([torch.as_tensor(t).to(device) for t in teacher_list], dim=0) if teacher_list else None
    if "advantages" not in batch:
        raise ValueError("apprentice_loss needs batch['advantages']: run slime with --advantage-estimator grpo")
    rewards = torch.cat([t.to(device) for t in batch["advantages"]], dim=0)
    ref_list = batch.get("ref_log_probs") if getattr(args, "use_kl_loss", False) else None
    ref = torch.cat([t.to(device) for t in ref_list], dim=0) if ref_list else None

    # With context parallelism each rank holds a slice of every response; the masks then come only
    # through sum_of_sample_mean, which knows the slicing.
    masks = batch.get("loss_masks")
    loss_mask = None
    if masks:
        joined = torch.cat([m.to(device) for m in masks], dim=0)
        loss_mask = joined if joined.numel() == log_probs.numel() else None

    eps_clip = float(getattr(args, "eps_clip", 0.2))
    eps_clip_high = getattr(args, "eps_clip_high", None)
    loss, metrics = combined_policy_loss(
        log_probs,
        old_log_probs,
        teacher,
        rewards,
        loss_mask,
        w_opd=weights.w_opd,
        w_rl=weights.w_rl,
        eps_clip=eps_clip,
        eps_clip_high=eps_clip if eps_clip_high is None else float(eps_clip_high),
        kl_coef=float(getattr(args, "kl_loss_coef", 0.0) or 0.0),
        ref_log_probs=ref,
        reduce=sum_of_sample_mean,
    )
    if entropy_coef != 0.0 and entropy_list:
        entropy = sum_of_sample_mean(torch.cat(entropy_list, dim=0))
        loss = loss - entropy_coef * entropy
        metrics["entropy_loss"] = entropy.detach()
        metrics["loss"] = loss.detach()
    if log_probs.numel() == 0:
        # Keeps every parameter in the graph so distributed backward does not hang on an empty micro-batch.
        loss = loss + 0 * logits.sum()
    return loss, metrics
