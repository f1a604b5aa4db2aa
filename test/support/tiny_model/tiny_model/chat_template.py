"""The model's chat template (ChatML, as Qwen uses) and the same rendering in Python.

The template goes into tokenizer_config.json, where the gateway renders it with its Jinja engine; this
engine has no Jinja, so it renders the one template it ships in plain Python and refuses a model folder
whose template is anything else (tests check both renderings agree)."""

from __future__ import annotations

from typing import Iterable, Mapping

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
END_OF_TEXT = "<|endoftext|>"
SPECIAL_TOKENS = (END_OF_TEXT, IM_START, IM_END)

CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


class ChatTemplateError(ValueError):
    """A model folder whose chat template this engine cannot render."""


def render_chat(messages: Iterable[Mapping[str, str]], add_generation_prompt: bool) -> str:
    parts = [f"{IM_START}{m['role']}\n{m['content']}{IM_END}\n" for m in messages]
    if add_generation_prompt:
        parts.append(f"{IM_START}assistant\n")
    return "".join(parts)


def check_template(template: object) -> None:
    if template != CHAT_TEMPLATE:
        raise ChatTemplateError("the model folder's chat_template is not the tiny model's ChatML template")
