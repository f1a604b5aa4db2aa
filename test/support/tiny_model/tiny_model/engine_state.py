"""What the engine serves: the model, its tokenizer, the weight version, and the rules SGLang keeps
around them — one forward pass at a time, and a weight update that waits for running requests and holds
new ones while it loads.

Sampling is seeded per request so a run is reproducible however requests interleave: the seed is a hash
of the engine's seed, the route, the prompt ids, the weight version and how many times that same request
came before under these weights (two identical regenerations still differ)."""

from __future__ import annotations

import hashlib
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import torch

from .model import TinyGPT, load_config, load_model
from .model_folder import read_tokenizer
from .tokenizer import TinyTokenizer


class WeightLoadError(RuntimeError):
    """A weight folder that does not fit the served model."""


@dataclass
class EngineState:
    model: TinyGPT
    tokenizer: TinyTokenizer
    stop_ids: list[int]
    model_path: str
    tokenizer_path: str
    served_model_name: str
    seed: int
    weight_version: str = "default"
    # SGLANG_RETURN_ORIGINAL_LOGPROB=1: sampled tokens' log-probs are raw (T = 1), not log softmax(logits/T).
    original_logprob: bool = False
    _gate: threading.Condition = field(default_factory=threading.Condition)
    _running: int = 0
    _updating: bool = False
    _model_lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def open(cls, model_path: str, served_model_name: str | None, seed: int) -> "EngineState":
        tokenizer, stop_ids = read_tokenizer(Path(model_path))
        return cls(
            model=load_model(Path(model_path)),
            tokenizer=tokenizer,
            stop_ids=stop_ids,
            model_path=model_path,
            tokenizer_path=model_path,
            served_model_name=served_model_name or model_path,
            seed=seed,
            original_logprob=os.environ.get("SGLANG_RETURN_ORIGINAL_LOGPROB", "").lower() in ("1", "true"),
        )

    @property
    def context_length(self) -> int:
        return self.model.config.context_length

    @contextmanager
    def serving(self) -> Iterator[TinyGPT]:
        """Runs one request: waits while weights load, then holds the model for its forward passes."""
        with self._gate:
            while self._updating:
                self._gate.wait()
            self._running += 1
        try:
            with self._model_lock:
                yield self.model
        finally:
            with self._gate:
                self._running -= 1
                self._gate.notify_all()

    def generator_for(self, route: str, prompt_ids: list[int]) -> torch.Generator:
        key = f"{route}|{self.weight_version}|{','.join(map(str, prompt_ids))}"
        with self._gate:
            occurrence = self._seen.get(key, 0)
            self._seen[key] = occurrence + 1
        digest = hashlib.sha256(f"{self.seed}|{key}|{occurrence}".encode()).digest()
        return torch.Generator().manual_seed(int.from_bytes(digest[:8], "big") & ((1 << 63) - 1))

    def load_weights(self, model_path: str, weight_version: str | None) -> None:
        """Loads new weights once running requests finish; new requests wait meanwhile."""
        folder = Path(model_path)
        try:
            config = load_config(folder)
            fresh = load_model(folder)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:
            raise WeightLoadError(f"cannot load weights from {model_path}: {exc}") from exc
        if config != self.model.config:
            raise WeightLoadError(f"the weights in {model_path} are for another model shape ({config})")
        with self._gate:
            self._updating = True
            try:
                while self._running > 0:
                    self._gate.wait()
                self.model = fresh
                self.model_path = model_path
                if weight_version is not None:
                    self.weight_version = weight_version
                self._seen.clear()
            finally:
                self._updating = False
                self._gate.notify_all()
