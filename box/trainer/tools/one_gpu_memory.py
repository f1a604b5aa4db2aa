"""Which Qwen3 sizes fit one GPU with run_one_gpu.sh's settings: computed, not measured.

    /usr/bin/python3 box/trainer/tools/one_gpu_memory.py      # prints the table in box/README.md

The arithmetic (GiB = 2^30 bytes; P parameters; T = MAX_TOKENS_PER_GPU tokens per micro-batch; L layers,
h hidden size, V vocabulary):

* training (slime has released the engine's memory; Megatron is on the GPU):
  bf16 weights 2P + fp32 gradient buffer 4P (--accumulate-allreduce-grads-in-fp32)
  + Adam's fp32 master weights and two moments 12P (0 with OPTIMIZER_OFFLOAD=1: host memory)
  + activations with full recompute: a bf16 checkpoint per layer L·T·h·2 + one layer rebuilt for its
    backward 34·T·h (Korthikanti et al. 2022, flash attention, no sequence parallelism)
  + logits for the loss T·V·10 (bf16 logits, an fp32 copy, its fp32 gradient)
  + 3 GiB for two CUDA contexts (trainer and engine stay alive), NCCL and allocator slack.
* serving (Megatron offloaded to host memory): SGLang takes SGLANG_MEM_FRACTION (0.7) of the GPU for
  bf16 weights 2P and a KV cache that must hold at least one full context (32768 tokens,
  --rollout-max-context-len), 2·L·kv_heads·head_dim·2 bytes per token.
* host memory: Adam states 12P when offloaded, plus the CPU copies colocation keeps (Megatron's paused
  weights, slime's weight backup, SGLang's paused weights, each 2P).
A size fits a GPU when serving fits and training stays under 95% of it (fragmentation). Not measured:
no GPU was available when this was written.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30
VOCAB = 151_936
HEAD_DIM = 128
CONTEXT_TOKENS = 32_768
MAX_TOKENS_PER_GPU = 4_096  # run_one_gpu.sh's default
SGLANG_MEM_FRACTION = 0.7  # run_one_gpu.sh's default
OVERHEAD_GIB = 3.0
USABLE = 0.95
GPUS_GIB = (24, 48, 80)


@dataclass(frozen=True)
class Qwen3:
    name: str
    layers: int
    hidden: int
    ffn: int
    heads: int
    kv_heads: int
    tied_embeddings: bool

    @property
    def params(self) -> int:
        attention = self.hidden * self.heads * HEAD_DIM * 2 + self.hidden * self.kv_heads * HEAD_DIM * 2
        per_layer = attention + 3 * self.hidden * self.ffn + 2 * self.hidden + 2 * HEAD_DIM
        embeddings = VOCAB * self.hidden * (1 if self.tied_embeddings else 2)
        return self.layers * per_layer + embeddings + self.hidden


# Shapes as in slime's scripts/models/qwen3-*.sh (the Hugging Face configs).
MODELS = [
    Qwen3("0.6B", 28, 1024, 3072, 16, 8, True),
    Qwen3("1.7B", 28, 2048, 6144, 16, 8, True),
    Qwen3("4B", 36, 2560, 9728, 32, 8, True),
    Qwen3("8B", 36, 4096, 12288, 32, 8, False),
    Qwen3("14B", 40, 5120, 17408, 40, 8, False),
    Qwen3("32B", 64, 5120, 25600, 64, 8, False),
]


def training_gib(model: Qwen3, optimizer_on_gpu: bool, tokens: int = MAX_TOKENS_PER_GPU) -> float:
    p = model.params
    states = (2 + 4 + (12 if optimizer_on_gpu else 0)) * p
    activations = model.layers * tokens * model.hidden * 2 + 34 * tokens * model.hidden
    logits = tokens * VOCAB * 10
    return (states + activations + logits) / GIB + OVERHEAD_GIB


def serving_gib(model: Qwen3) -> float:
    kv_per_token = 2 * model.layers * model.kv_heads * HEAD_DIM * 2
    return (2 * model.params + CONTEXT_TOKENS * kv_per_token) / GIB


def host_gib(model: Qwen3, optimizer_on_gpu: bool) -> float:
    return ((0 if optimizer_on_gpu else 12) + 3 * 2) * model.params / GIB


def fit(model: Qwen3, gpu_gib: int) -> str:
    """'yes' with the defaults (Adam in host RAM); 'yes, also OPTIMIZER_OFFLOAD=0' when Adam fits on the GPU too."""
    if serving_gib(model) > SGLANG_MEM_FRACTION * gpu_gib:
        return "no"
    if training_gib(model, optimizer_on_gpu=True) <= USABLE * gpu_gib:
        return "yes, also OPTIMIZER_OFFLOAD=0"
    if training_gib(model, optimizer_on_gpu=False) <= USABLE * gpu_gib:
        return "yes"
    return "no"


def table() -> str:
    rows = [
        "| Qwen3 | params | train, Adam on GPU | train, Adam in host RAM | serve (≤ 0.7 × GPU) | host RAM (offload) "
        + "".join(f"| {g} GB " for g in GPUS_GIB) + "|",
        "|---|---|---|---|---|---" + "|---" * len(GPUS_GIB) + "|",
    ]
    for m in MODELS:
        cells = [
            m.name,
            f"{m.params / 1e9:.2f} B",
            f"{training_gib(m, True):.1f} GiB",
            f"{training_gib(m, False):.1f} GiB",
            f"{serving_gib(m):.1f} GiB",
            f"{host_gib(m, False):.0f} GiB",
            *(fit(m, g) for g in GPUS_GIB),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
