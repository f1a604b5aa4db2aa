"""POST /v1/chat/completions, as SGLang answers it (the shapes test/support/sglang-test-engine.ts keeps):
the prompt is the model's chat template over the messages, replies stream as SSE chunks (or one JSON),
every chunk carries its token's log-prob, and the end-of-turn token is left out of content and log-probs."""

from __future__ import annotations

import codecs
import time
import uuid
from typing import Any, Iterator

from .chat_template import render_chat
from .engine_state import EngineState
from .http_errors import HttpError
from .request_fields import optional_bool, optional_int, optional_number, optional_object, refuse_stop_strings
from .sampling import generate

ROLES = ("system", "user", "assistant", "tool", "developer")
DEFAULT_TEMPERATURE = 1.0


def _content_text(content: Any, index: int) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise HttpError(400, f"messages[{index}].content parts must be objects with a type")
            if part["type"] == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    raise HttpError(400, f"messages[{index}].content must be a string, a list of parts or null")


def parse_messages(body: dict) -> list[dict[str, str]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise HttpError(400, "messages must be a non-empty list")
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise HttpError(400, f"messages[{i}] needs a role among {', '.join(ROLES)}")
        out.append({"role": m["role"], "content": _content_text(m.get("content"), i)})
    return out


class ChatCompletion:
    """One chat completion: parsed, generated, then written as JSON or as SSE events."""

    def __init__(self, state: EngineState, body: dict):
        self.state = state
        self.messages = parse_messages(body)
        refuse_stop_strings(body.get("stop"))
        self.stream = bool(optional_bool(body, "stream"))
        self.include_usage = bool(optional_bool(optional_object(body, "stream_options"), "include_usage"))
        self.logprobs = bool(optional_bool(body, "logprobs"))
        self.top_logprobs = optional_int(body, "top_logprobs", 0) or 0
        if self.top_logprobs > 20:
            raise HttpError(400, "top_logprobs must be at most 20")
        max_tokens = optional_int(body, "max_completion_tokens", 0)
        self.max_tokens = max_tokens if max_tokens is not None else optional_int(body, "max_tokens", 0)
        temperature = optional_number(body, "temperature", 0.0)
        self.temperature = DEFAULT_TEMPERATURE if temperature is None else temperature
        top_p = optional_number(body, "top_p", 0.0)
        self.top_p = 1.0 if top_p is None else top_p
        self.top_k = optional_int(body, "top_k") or -1
        self.model_name = body.get("model") if isinstance(body.get("model"), str) else state.served_model_name
        self.prompt_ids = state.tokenizer.encode(render_chat(self.messages, add_generation_prompt=True))
        if len(self.prompt_ids) >= state.context_length:
            raise HttpError(
                400,
                f"The input ({len(self.prompt_ids)} tokens) is longer than the model's context length "
                f"({state.context_length} tokens).",
            )
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())

    def run(self) -> None:
        state = self.state
        room = state.context_length - len(self.prompt_ids)
        limit = room if self.max_tokens is None else min(self.max_tokens, room)
        with state.serving() as model:
            self.generated = generate(
                model,
                self.prompt_ids,
                max_new_tokens=limit,
                temperature=self.temperature,
                top_p=self.top_p,
                top_k=self.top_k,
                stop_ids=set(state.stop_ids),
                generator=state.generator_for("chat", self.prompt_ids),
                top_logprobs=self.top_logprobs,
            )
        ids = self.generated.ids
        self.visible = ids[:-1] if self.generated.finish == "stop" else ids
        self.text = state.tokenizer.decode(self.visible, skip_special_tokens=True)

    # ---- answer shapes -----------------------------------------------------------------------

    def _reported(self, raw: float, scaled: float) -> float:
        return raw if self.state.original_logprob else scaled

    def _logprob_entry(self, position: int) -> dict:
        tok = self.state.tokenizer
        token_id = self.visible[position]
        data = tok.token_bytes(token_id)
        top = [
            {"token": tok.token_bytes(i).decode("utf-8", "replace"), "bytes": list(tok.token_bytes(i)), "logprob": self._reported(r, s)}
            for i, r, s in (self.generated.top[position] if self.top_logprobs else [])
        ]
        return {
            "token": data.decode("utf-8", "replace"),
            "bytes": list(data),
            "logprob": self._reported(self.generated.raw_logprobs[position], self.generated.scaled_logprobs[position]),
            "top_logprobs": top,
        }

    def _usage(self) -> dict:
        completion = len(self.generated.ids)
        return {"prompt_tokens": len(self.prompt_ids), "completion_tokens": completion, "total_tokens": len(self.prompt_ids) + completion}

    def _matched_stop(self) -> int | None:
        return self.generated.matched_stop if self.generated.finish == "stop" else None

    def json(self) -> dict:
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model_name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.text, "reasoning_content": None, "tool_calls": None},
                    "logprobs": {"content": [self._logprob_entry(i) for i in range(len(self.visible))]} if self.logprobs else None,
                    "finish_reason": self.generated.finish,
                    "matched_stop": self._matched_stop(),
                }
            ],
            "usage": self._usage(),
        }

    def events(self) -> Iterator[dict]:
        """The SSE events' JSON payloads, in order ([DONE] is the caller's)."""

        def chunk(choice: dict) -> dict:
            return {
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model_name,
                "choices": [choice],
                "usage": None,
            }

        yield chunk({"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None, "matched_stop": None})
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        tok = self.state.tokenizer
        for i, token_id in enumerate(self.visible):
            delta = "" if tok.is_special(token_id) else decoder.decode(tok.token_bytes(token_id))
            yield chunk(
                {
                    "index": 0,
                    "delta": {"content": delta},
                    "logprobs": {"content": [self._logprob_entry(i)]} if self.logprobs else None,
                    "finish_reason": None,
                    "matched_stop": None,
                }
            )
        tail = decoder.decode(b"", final=True)
        yield chunk(
            {
                "index": 0,
                "delta": {"content": tail} if tail else {},
                "logprobs": None,
                "finish_reason": self.generated.finish,
                "matched_stop": self._matched_stop(),
            }
        )
        if self.include_usage:
            yield {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model_name, "choices": [], "usage": self._usage()}
