"""An untrained tiny model folder for tests: the HTTP shapes and the training step need no trained model."""

from __future__ import annotations

from pathlib import Path

import torch

from tiny_model.corpus import every_text
from tiny_model.model import TinyConfig, TinyGPT, save_weights
from tiny_model.model_folder import write_tokenizer_files
from tiny_model.tokenizer import TinyTokenizer
from tiny_model.world import load_world


def make_model_folder(folder: Path, seed: int = 0, context_length: int = 96) -> Path:
    torch.manual_seed(seed)
    tokenizer = TinyTokenizer.from_texts(every_text(load_world()))
    config = TinyConfig(vocab_size=tokenizer.size, context_length=context_length, d_model=32, n_layer=1, n_head=2, d_ff=64)
    write_tokenizer_files(tokenizer, folder, context_length)
    save_weights(TinyGPT(config), folder)
    return folder
