"""Prints the token ids this engine uses for chat prompts and texts, so tests can hold them against the
gateway's own tokenizer and chat template (which must agree, or trained prompts differ from served ones).

    python3 -m tiny_model.prompt_ids --model-path DIR < requests.jsonl

Each input line is {"messages": [...]} (the prompt /v1/chat/completions renders) or {"text": "..."};
each output line is {"ids": [...]}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .chat_template import render_chat
from .model_folder import read_tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-path", required=True, type=Path)
    tokenizer, _ = read_tokenizer(parser.parse_args().model_path)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        text = render_chat(request["messages"], add_generation_prompt=True) if "messages" in request else request["text"]
        print(json.dumps({"ids": tokenizer.encode(text)}), flush=True)


if __name__ == "__main__":
    main()
