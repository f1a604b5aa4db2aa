"""POST /generate, SGLang's native route: sampling from ids or text, and prefill scoring.

With `max_new_tokens: 0` nothing is generated and `input_token_logprobs` scores the input: it covers
input_ids[logprob_start_len:] as [logprob, id, text|null] triples whose first logprob is always null
(-1, the default, starts at the last input token). Output ids end with the stop token when one stopped
the generation, as SGLang reports them."""

from __future__ import annotations

import time
import uuid

from .engine_state import EngineState
from .http_errors import HttpError
from .request_fields import optional_bool, optional_int, optional_number, optional_object, refuse_stop_strings
from .sampling import generate, score

DEFAULT_MAX_NEW_TOKENS = 128


def _input_ids(state: EngineState, body: dict) -> list[int]:
    has_text = isinstance(body.get("text"), str)
    has_ids = body.get("input_ids") is not None
    if has_text == has_ids:
        raise HttpError(400, "Either text or input_ids should be provided (exactly one).")
    if has_text:
        ids = state.tokenizer.encode(body["text"])
    else:
        ids = body["input_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise HttpError(400, "input_ids must be a list of token ids")
        if any(i < 0 or i >= state.tokenizer.size for i in ids):
            raise HttpError(400, f"input_ids must be token ids below the vocab size {state.tokenizer.size}")
    if not ids:
        raise HttpError(400, "The input is empty.")
    return ids


def handle_generate(state: EngineState, body: dict) -> dict:
    started = time.monotonic()
    if body.get("stream"):
        raise HttpError(400, "streaming /generate is not supported by the tiny engine")
    if optional_int(body, "top_logprobs_num", 0):
        raise HttpError(400, "top_logprobs_num is not supported by the tiny engine")
    ids = _input_ids(state, body)
    params = optional_object(body, "sampling_params")
    refuse_stop_strings(params.get("stop"))
    max_new = optional_int(params, "max_new_tokens", 0)
    max_new = DEFAULT_MAX_NEW_TOKENS if max_new is None else max_new
    temperature = optional_number(params, "temperature", 0.0)
    top_p = optional_number(params, "top_p", 0.0)
    top_k = optional_int(params, "top_k")
    extra_stops = params.get("stop_token_ids") or []
    if not isinstance(extra_stops, list) or not all(isinstance(i, int) for i in extra_stops):
        raise HttpError(400, "stop_token_ids must be a list of token ids")
    skip_special = optional_bool(params, "skip_special_tokens")
    return_logprob = bool(optional_bool(body, "return_logprob"))
    with_text = bool(optional_bool(body, "return_text_in_logprobs"))
    start = optional_int(body, "logprob_start_len", -1)
    if len(ids) > state.context_length or (max_new > 0 and len(ids) >= state.context_length):
        raise HttpError(400, f"The input ({len(ids)} tokens) is longer than the model's context length ({state.context_length} tokens).")

    with state.serving() as model:
        generated = generate(
            model,
            ids,
            max_new_tokens=max_new,
            temperature=1.0 if temperature is None else temperature,
            top_p=1.0 if top_p is None else top_p,
            top_k=-1 if top_k is None else top_k,
            stop_ids=set(state.stop_ids) | set(extra_stops),
            generator=state.generator_for("generate", ids),
        )
        input_logprobs = score(model, ids) if return_logprob else []

    tok = state.tokenizer
    text_of = (lambda i: tok.token_bytes(i).decode("utf-8", "replace")) if with_text else (lambda i: None)
    out_ids = generated.ids
    meta: dict = {
        "id": uuid.uuid4().hex,
        "finish_reason": (
            {"type": "stop", "matched": generated.matched_stop}
            if generated.finish == "stop"
            else {"type": "length", "length": len(out_ids)}
        ),
        "prompt_tokens": len(ids),
        "completion_tokens": len(out_ids),
        "cached_tokens": 0,
        "weight_version": state.weight_version,
        "e2e_latency": time.monotonic() - started,
    }
    if return_logprob:
        first = len(ids) - 1 if start is None or start < 0 else min(start, len(ids) - 1)
        meta["input_token_logprobs"] = [
            [None if n == 0 else input_logprobs[p], ids[p], text_of(ids[p])] for n, p in enumerate(range(first, len(ids)))
        ]
        sampled = generated.raw_logprobs if state.original_logprob else generated.scaled_logprobs
        meta["output_token_logprobs"] = [[lp, i, text_of(i)] for lp, i in zip(sampled, out_ids)]
    return {"text": tok.decode(out_ids, skip_special_tokens=skip_special is not False), "meta_info": meta}
