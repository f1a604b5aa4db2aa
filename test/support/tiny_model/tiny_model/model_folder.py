"""Writes and reads the tiny model's folder the way a Hugging Face export looks to SGLang and the gateway:
tokenizer.json, tokenizer_config.json (with the chat template), generation_config.json, config.json, model.pt."""

from __future__ import annotations

import json
from pathlib import Path

from .chat_template import CHAT_TEMPLATE, END_OF_TEXT, IM_END, check_template
from .tokenizer import TinyTokenizer

TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
GENERATION_CONFIG_FILE = "generation_config.json"


def write_tokenizer_files(tokenizer: TinyTokenizer, folder: Path, context_length: int) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TOKENIZER_FILE).write_text(json.dumps(tokenizer.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "chat_template": CHAT_TEMPLATE,
        "eos_token": IM_END,
        "pad_token": END_OF_TEXT,
        "bos_token": None,
        "model_max_length": context_length,
        "clean_up_tokenization_spaces": False,
        "added_tokens_decoder": {
            str(i): {"content": t, "special": True, "lstrip": False, "rstrip": False, "normalized": False, "single_word": False}
            for t, i in sorted(tokenizer.special.items(), key=lambda kv: kv[1])
        },
    }
    (folder / TOKENIZER_CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    generation = {"eos_token_id": [tokenizer.special[IM_END], tokenizer.special[END_OF_TEXT]]}
    (folder / GENERATION_CONFIG_FILE).write_text(json.dumps(generation, indent=2) + "\n", encoding="utf-8")


def read_tokenizer(folder: Path) -> tuple[TinyTokenizer, list[int]]:
    """The tokenizer and the ids that end a reply; refuses a folder whose chat template is not ours."""
    folder = Path(folder)
    config = json.loads((folder / TOKENIZER_CONFIG_FILE).read_text(encoding="utf-8"))
    check_template(config.get("chat_template"))
    tokenizer = TinyTokenizer.from_file(folder / TOKENIZER_FILE)
    generation = json.loads((folder / GENERATION_CONFIG_FILE).read_text(encoding="utf-8"))
    stops = generation.get("eos_token_id", [])
    stop_ids = [stops] if isinstance(stops, int) else list(stops)
    eos = tokenizer.special[config["eos_token"]]
    return tokenizer, [eos, *[i for i in stop_ids if i != eos]]
