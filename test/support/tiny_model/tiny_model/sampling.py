"""Sampling and scoring with the tiny model, the way SGLang reports it.

Log-probs: `raw` is log softmax(logits) (temperature 1); `scaled` is log softmax(logits / T), what SGLang
reports for sampled tokens unless it runs with SGLANG_RETURN_ORIGINAL_LOGPROB=1. Below T = 1e-6 sampling
is greedy and both are raw. top_p / top_k only choose which tokens may be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .model import TinyGPT

GREEDY_TEMPERATURE = 1e-6


@dataclass
class Generated:
    ids: list[int]
    raw_logprobs: list[float]
    scaled_logprobs: list[float]
    finish: str  # "stop" | "length"
    matched_stop: int | None
    # Per position, the most likely tokens as (id, raw log-prob, scaled log-prob), when asked for.
    top: list[list[tuple[int, float, float]]] = field(default_factory=list)


@torch.no_grad()
def generate(
    model: TinyGPT,
    prompt_ids: list[int],
    *,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    top_k: int,
    stop_ids: set[int],
    generator: torch.Generator,
    top_logprobs: int = 0,
) -> Generated:
    room = model.config.context_length - len(prompt_ids)
    limit = max(0, min(max_new_tokens, room))
    out = Generated([], [], [], "length", None)
    if limit == 0:
        return out
    logits, cache = model.forward_cached(torch.tensor([prompt_ids]), None)
    step_logits = logits[0, -1]
    for n in range(limit):
        raw = torch.log_softmax(step_logits.float(), dim=-1)
        greedy = temperature < GREEDY_TEMPERATURE
        scaled = raw if greedy else torch.log_softmax(step_logits.float() / temperature, dim=-1)
        token = int(scaled.argmax()) if greedy else _draw(scaled, top_p, top_k, generator)
        out.ids.append(token)
        out.raw_logprobs.append(float(raw[token]))
        out.scaled_logprobs.append(float(scaled[token]))
        if top_logprobs > 0:
            best = torch.topk(scaled, min(top_logprobs, scaled.numel())).indices.tolist()
            out.top.append([(i, float(raw[i]), float(scaled[i])) for i in best])
        if token in stop_ids:
            out.finish, out.matched_stop = "stop", token
            return out
        if n + 1 < limit:
            logits, cache = model.forward_cached(torch.tensor([[token]]), cache)
            step_logits = logits[0, -1]
    return out


def _draw(log_probs: torch.Tensor, top_p: float, top_k: int, generator: torch.Generator) -> int:
    probs = log_probs.exp()
    if top_k is not None and 0 < top_k < probs.numel():
        kth = torch.topk(probs, top_k).values[-1]
        probs = torch.where(probs >= kth, probs, torch.zeros_like(probs))
    if top_p is not None and top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        keep = torch.cumsum(sorted_probs, dim=0) - sorted_probs < top_p
        mask = torch.zeros_like(probs, dtype=torch.bool)
        mask[order[keep]] = True
        probs = torch.where(mask, probs, torch.zeros_like(probs))
    return int(torch.multinomial(probs / probs.sum(), 1, generator=generator))


@torch.no_grad()
def score(model: TinyGPT, ids: list[int]) -> list[float | None]:
    """Raw log-prob of every position of `ids` given the ones before (position 0: None)."""
    if not ids:
        return []
    logits = model(torch.tensor([ids]))[0].float()
    log_probs = torch.log_softmax(logits[:-1], dim=-1)
    picked = log_probs.gather(-1, torch.tensor(ids[1:]).unsqueeze(-1)).squeeze(-1)
    return [None, *(float(x) for x in picked)]
