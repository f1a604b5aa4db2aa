"""Pretrains the tiny model on the synthetic corpus and writes its model folder.

    python3 -m tiny_model.pretrain --out DIR [--seed 7] [--steps 400] [--exit-on-stdin-close]

Prints one line `pretrained <DIR> in <s> s (loss <x>)`. Seeded: the same arguments give the same weights.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import torch
from torch.nn import functional as F

from .chat_template import IM_END, IM_START
from .corpus import Dialog, every_text, sample_corpus
from .model import TinyConfig, TinyGPT, save_weights
from .model_folder import write_tokenizer_files
from .parent_watch import exit_when_stdin_closes
from .tokenizer import TinyTokenizer
from .world import load_world


def encode_dialog(tokenizer: TinyTokenizer, dialog: Dialog) -> tuple[list[int], list[int]]:
    """Token ids and a mask that is 1 on every assistant reply and its end token (what the model learns)."""
    ids: list[int] = []
    mask: list[int] = []
    for message in dialog.messages:
        header = tokenizer.encode(f"{IM_START}{message['role']}\n")
        body = tokenizer.encode(f"{message['content']}{IM_END}")
        trained = 1 if message["role"] == "assistant" else 0
        ids += header + body
        mask += [0] * len(header) + [trained] * len(body)
        newline = tokenizer.encode("\n")
        ids += newline
        mask += [0] * len(newline)
    return ids, mask


def pretrain(out: Path, seed: int, steps: int, corpus_size: int, batch_size: int, lr: float, threads: int) -> float:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    world = load_world()
    tokenizer = TinyTokenizer.from_texts(every_text(world))
    config = TinyConfig(vocab_size=tokenizer.size)
    encoded = [encode_dialog(tokenizer, d) for d in sample_corpus(world, corpus_size, seed)]
    longest = max(len(ids) for ids, _ in encoded)
    if longest > config.context_length:
        raise ValueError(f"a corpus dialog has {longest} tokens, more than the context length {config.context_length}")

    model = TinyGPT(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps, pct_start=0.1)
    rng = random.Random(seed + 1)
    pad = tokenizer.special["<|endoftext|>"]
    loss_value = float("nan")
    model.train()
    # Batches of similar length waste less on padding (attention costs grow with the square of it).
    by_length = sorted(encoded, key=lambda e: len(e[0]))
    windows = max(1, len(by_length) // (batch_size * 4))
    for _ in range(steps):
        w = rng.randrange(windows)
        window = by_length[w * len(by_length) // windows : (w + 1) * len(by_length) // windows]
        batch = rng.sample(window, batch_size)
        width = max(len(ids) for ids, _ in batch)
        ids = torch.full((batch_size, width), pad, dtype=torch.long)
        mask = torch.zeros((batch_size, width), dtype=torch.float32)
        for row, (seq, m) in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(m)] = torch.tensor(m, dtype=torch.float32)
        # Only trained positions are projected onto the vocab: the output layer is most of the compute.
        trained = mask[:, 1:].reshape(-1).nonzero().squeeze(-1)
        hidden = model.hidden(ids[:, :-1])[0].reshape(-1, config.d_model)[trained]
        logits = model.logits_of(hidden)
        loss = F.cross_entropy(logits, ids[:, 1:].reshape(-1)[trained])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        loss_value = float(loss)
    model.eval()
    write_tokenizer_files(tokenizer, out, config.context_length)
    save_weights(model, out)
    return loss_value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--corpus-size", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--exit-on-stdin-close", action="store_true")
    args = parser.parse_args()
    if args.exit_on_stdin_close:
        exit_when_stdin_closes()
    started = time.monotonic()
    loss = pretrain(args.out, args.seed, args.steps, args.corpus_size, args.batch_size, args.lr, args.threads)
    print(f"pretrained {args.out} in {time.monotonic() - started:.1f} s (loss {loss:.3f})", flush=True)


if __name__ == "__main__":
    main()
