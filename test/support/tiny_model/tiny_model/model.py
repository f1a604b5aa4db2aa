"""A small decoder-only transformer (GPT-style, pre-LayerNorm, tied embeddings), and its model folder.

Debian's torch links the reference BLAS, whose matrix products run at about 1–2 GFLOP/s; convolutions go
through oneDNN's own kernels, several times faster. So every linear layer is a 1×1 convolution over
activations laid out as rows [N, C, 1] (N = batch × positions), the layout oneDNN handles best. The maths
is exactly nn.Linear's.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.pt"
MODEL_TYPE = "apprentice-tiny-gpt"

KeyValues = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class TinyConfig:
    vocab_size: int
    context_length: int = 160
    d_model: int = 64
    n_layer: int = 2
    n_head: int = 4
    d_ff: int = 192


def rows_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """x [N, C_in] → [N, C_out], as a 1×1 convolution (see the module docstring)."""
    return F.conv1d(x.unsqueeze(-1), weight.unsqueeze(-1), bias).squeeze(-1)


class RowsLinear(nn.Module):
    def __init__(self, d_in: int, d_out: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d_out, d_in))
        self.bias = nn.Parameter(torch.zeros(d_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rows_linear(x, self.weight, self.bias)


class Block(nn.Module):
    def __init__(self, config: TinyConfig):
        super().__init__()
        self.n_head = config.n_head
        self.ln1 = nn.LayerNorm(config.d_model)
        self.qkv = RowsLinear(config.d_model, 3 * config.d_model)
        self.proj = RowsLinear(config.d_model, config.d_model)
        self.ln2 = nn.LayerNorm(config.d_model)
        self.ff1 = RowsLinear(config.d_model, config.d_ff)
        self.ff2 = RowsLinear(config.d_ff, config.d_model)

    def forward(self, x: torch.Tensor, causal: torch.Tensor, past: KeyValues | None = None) -> tuple[torch.Tensor, KeyValues]:
        """x [B, T, d] → [B, T, d]; `past` holds keys and values [B, H, T_past, d_head] of earlier positions."""
        b, t, d = x.shape
        head = d // self.n_head
        qkv = self.qkv(self.ln1(x).reshape(b * t, d)).reshape(b, t, 3, self.n_head, head)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [B, H, T, d_head]
        start = 0
        if past is not None:
            start = past[0].shape[2]
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(head)
        weights = scores.masked_fill(causal[start : start + t, : start + t], float("-inf")).softmax(dim=-1)
        attended = (weights @ v).transpose(1, 2).reshape(b * t, d)
        x = x + self.proj(attended).reshape(b, t, d)
        hidden = F.gelu(self.ff1(self.ln2(x).reshape(b * t, d)))
        return x + self.ff2(hidden).reshape(b, t, d), (k, v)


class TinyGPT(nn.Module):
    def __init__(self, config: TinyConfig):
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.pos_emb = nn.Embedding(config.context_length, config.d_model)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.d_model)
        mask = torch.triu(torch.ones(config.context_length, config.context_length, dtype=torch.bool), diagonal=1)
        self.register_buffer("causal", mask, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, (RowsLinear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids [B, T] → logits [B, T, V]; position p's logits predict token p + 1."""
        return self.forward_cached(ids, None)[0]

    def hidden(self, ids: torch.Tensor, past: list[KeyValues] | None = None) -> tuple[torch.Tensor, list[KeyValues]]:
        """Final hidden states [B, T, d] of `ids` after the positions cached in `past`, and the new cache."""
        start = 0 if past is None else past[0][0].shape[2]
        t = ids.shape[1]
        if start + t > self.config.context_length:
            raise ValueError(f"sequence of {start + t} tokens exceeds the context length {self.config.context_length}")
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(start, start + t, device=ids.device))
        cache: list[KeyValues] = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, self.causal, None if past is None else past[i])
            cache.append(kv)
        return self.ln_f(x), cache

    def logits_of(self, hidden: torch.Tensor) -> torch.Tensor:
        """Hidden states [..., d] → logits [..., V] (tied embeddings)."""
        shape = hidden.shape
        return rows_linear(hidden.reshape(-1, shape[-1]), self.tok_emb.weight).reshape(*shape[:-1], -1)

    def forward_cached(self, ids: torch.Tensor, past: list[KeyValues] | None) -> tuple[torch.Tensor, list[KeyValues]]:
        hidden, cache = self.hidden(ids, past)
        return self.logits_of(hidden), cache


def save_weights(model: TinyGPT, folder: Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(json.dumps({"model_type": MODEL_TYPE, **asdict(model.config)}, indent=2) + "\n")
    tmp = folder / (WEIGHTS_FILE + ".tmp")
    torch.save(model.state_dict(), tmp)
    tmp.replace(folder / WEIGHTS_FILE)


def load_config(folder: Path) -> TinyConfig:
    raw = json.loads((Path(folder) / CONFIG_FILE).read_text())
    if raw.pop("model_type", None) != MODEL_TYPE:
        raise ValueError(f"{folder} does not hold an {MODEL_TYPE} model")
    return TinyConfig(**raw)


def load_model(folder: Path) -> TinyGPT:
    model = TinyGPT(load_config(folder))
    model.load_state_dict(torch.load(Path(folder) / WEIGHTS_FILE))
    model.eval()
    return model
