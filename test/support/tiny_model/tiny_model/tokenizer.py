"""A word-level byte-level BPE tokenizer, written as a Hugging Face tokenizer.json.

The vocab holds the 256 byte characters plus every whole word piece of the corpus (in GPT-2's byte-level
spelling, e.g. "Ġcasual" for " casual"); there are no merges and `ignore_merges` is on, so a piece in
the vocab is one token and any other piece falls back to its bytes. That is a valid tokenizer for any
HF implementation (the gateway uses @huggingface/tokenizers), small, and simple to mirror here:
split on special tokens, split with the ByteLevel pre-tokenizer's regex, look each piece up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .byte_level import BYTE_TO_CHAR, from_byte_level, to_byte_level
from .chat_template import SPECIAL_TOKENS

# The ByteLevel pre-tokenizer's pattern: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
# Python's re has no \p{..}: letters are [^\W\d_], numbers \d, "neither" is [^\s\w] or "_".
PRE_TOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def pre_tokenize(text: str) -> list[str]:
    """Pieces of plain text (no special tokens), each spelled in the byte-level alphabet."""
    return [to_byte_level(m.group(0).encode("utf-8")) for m in PRE_TOKENIZE.finditer(text)]


@dataclass(frozen=True)
class Piece:
    id: int
    text: str  # byte-level spelling, or the literal text of a special token
    special: bool


class TinyTokenizer:
    def __init__(self, vocab: dict[str, int], special: dict[str, int]):
        self.vocab = vocab
        self.special = special
        self.by_id: dict[int, Piece] = {i: Piece(i, t, False) for t, i in vocab.items()}
        self.by_id.update({i: Piece(i, t, True) for t, i in special.items()})
        self.size = max(self.by_id) + 1
        ordered = sorted(special, key=len, reverse=True)
        self._special_split = re.compile("(" + "|".join(re.escape(s) for s in ordered) + ")")

    # ---- building ------------------------------------------------------------------------------

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "TinyTokenizer":
        vocab = {c: i for i, c in enumerate(BYTE_TO_CHAR)}
        words: set[str] = set()
        for text in texts:
            for segment in cls._plain_segments(text):
                words.update(p for p in pre_tokenize(segment) if len(p) > 1)
        for word in sorted(words):
            vocab.setdefault(word, len(vocab))
        special = {s: len(vocab) + i for i, s in enumerate(SPECIAL_TOKENS)}
        return cls(vocab, special)

    @staticmethod
    def _plain_segments(text: str) -> list[str]:
        pattern = "|".join(re.escape(s) for s in SPECIAL_TOKENS)
        return [s for s in re.split(pattern, text) if s]

    def to_json(self) -> dict:
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {
                    "id": i,
                    "content": t,
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": False,
                    "special": True,
                }
                for t, i in sorted(self.special.items(), key=lambda kv: kv[1])
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": True,
                "vocab": self.vocab,
                "merges": [],
            },
        }

    @classmethod
    def from_file(cls, path: Path) -> "TinyTokenizer":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = data.get("model", {})
        if model.get("type") != "BPE" or model.get("merges") or not model.get("ignore_merges"):
            raise ValueError(f"{path} is not a tiny-model tokenizer (word-level BPE without merges)")
        special = {t["content"]: int(t["id"]) for t in data.get("added_tokens", [])}
        return cls({str(k): int(v) for k, v in model["vocab"].items()}, special)

    # ---- encoding ------------------------------------------------------------------------------

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for segment in self._special_split.split(text):
            if not segment:
                continue
            if segment in self.special:
                ids.append(self.special[segment])
                continue
            for piece in pre_tokenize(segment):
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                else:
                    ids.extend(self.vocab[c] for c in piece)
        return ids

    def token_bytes(self, token_id: int) -> bytes:
        """The raw bytes a token stands for (a special token: its literal text)."""
        piece = self.by_id[token_id]
        return piece.text.encode("utf-8") if piece.special else from_byte_level(piece.text)

    def is_special(self, token_id: int) -> bool:
        return self.by_id[token_id].special

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = True) -> str:
        out = bytearray()
        for i in ids:
            if skip_special_tokens and self.is_special(i):
                continue
            out += self.token_bytes(i)
        return out.decode("utf-8", errors="replace")
