"""A minimal stand-in for slime's training loop around Apprentice's plugin, for the tiny model on a CPU.

    APPRENTICE_GATEWAY_URL=… APPRENTICE_BOX_TOKEN=… [APPRENTICE_W_RL=1 APPRENTICE_W_OPD=1] \\
    python3 -m tiny_model.driver --model-path PRETRAINED --save-dir DIR --engine URL \\
        [--rollout-batch-size 4] [--lr 1e-4] [--seed 0] [--exit-on-stdin-close]

What slime does, in the same order (synchronous train.py, one optimizer step per rollout):
  push the initial weights (weight_version 1) → for rollout_id 0, 1, …:
  apprentice_trainer.rollout.generate_rollout(args, rollout_id)   (reports the previous step, long-polls
      the gateway's trainer API until rollout_batch_size rollouts are ready, converts them to Samples)
  → one optimizer step with apprentice_trainer.loss.apprentice_loss (tiny_model.slime_step)
  → save the weights, POST /update_weights_from_disk {model_path, weight_version: previous + 1}.
The plugin is configured as on the box: APPRENTICE_* environment variables, slime's args namespace.
Prints one JSON line per step ({"step", "weight_version", "samples", "rollouts", metrics…}).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import torch

from apprentice_trainer.rollout import generate_rollout

from .engine_client import update_weights_from_disk
from .model import load_model, save_weights
from .parent_watch import exit_when_stdin_closes
from .slime_step import flatten_rollout, slime_args, train_step

ADAM_BETAS = (0.9, 0.98)
WEIGHT_DECAY = 0.1
KEPT_CHECKPOINTS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-path", required=True, type=Path, help="the pretrained model folder")
    parser.add_argument("--save-dir", required=True, type=Path, help="where each step's weights are written")
    parser.add_argument("--engine", required=True, help="the policy engine's base URL")
    parser.add_argument("--engine-api-key", default=None)
    parser.add_argument("--rollout-batch-size", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--exit-on-stdin-close", action="store_true")
    options = parser.parse_args()
    if options.exit_on_stdin_close:
        exit_when_stdin_closes()
    torch.manual_seed(options.seed)
    torch.set_num_threads(1)

    model = load_model(options.model_path)
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.lr, betas=ADAM_BETAS, weight_decay=WEIGHT_DECAY)
    args = slime_args(options.rollout_batch_size, save=str(options.save_dir))
    options.save_dir.mkdir(parents=True, exist_ok=True)

    # slime's weight updater counts pushes from --update-weight-start-version; the first push is the
    # initial weights, before the first rollout.
    version = int(args.update_weight_start_version) + 1
    update_weights_from_disk(options.engine, str(options.model_path), str(version), options.engine_api_key)
    print(json.dumps({"initial_weights": str(version)}), flush=True)

    rollout_id = int(args.start_rollout_id)
    while options.max_steps is None or rollout_id < options.max_steps:
        groups = generate_rollout(args, rollout_id)
        samples = flatten_rollout(groups)
        started = time.monotonic()
        metrics = train_step(model, optimizer, args, samples)
        folder = options.save_dir / f"step-{rollout_id}"
        save_weights(model, folder)
        version += 1
        update_weights_from_disk(options.engine, str(folder), str(version), options.engine_api_key)
        stale = options.save_dir / f"step-{rollout_id - KEPT_CHECKPOINTS}"
        if stale.exists():
            shutil.rmtree(stale)
        print(
            json.dumps(
                {
                    "step": rollout_id,
                    "weight_version": str(version),
                    "samples": len(samples),
                    "sample_ids": [s.metadata["apprentice_sample_id"] for s in samples],
                    "train_s": round(time.monotonic() - started, 3),
                    **{k: round(v, 6) for k, v in metrics.items()},
                }
            ),
            flush=True,
        )
        rollout_id += 1


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
