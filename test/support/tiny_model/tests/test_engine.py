"""The tiny engine speaks the SGLang shapes the gateway relies on, with log-probs that are the model's own."""

import pytest
import torch

from tiny_engine_server import call, call_json, running_engine, sse_payloads
from tiny_model_fixtures import make_model_folder
from tiny_model.byte_level import to_byte_level
from tiny_model.chat_template import render_chat
from tiny_model.model import load_model
from tiny_model.model_folder import read_tokenizer

MESSAGES = [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "how do i make tea?"}]


def model_log_probs(folder, ids, temperature=1.0):
    """log p(ids[i] | ids[:i]) straight from the model, for i >= 1."""
    model = load_model(folder)
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0] / temperature
    lp = torch.log_softmax(logits[:-1], dim=-1)
    return [float(lp[i, ids[i + 1]]) for i in range(len(ids) - 1)]


def prompt_ids(folder, messages=MESSAGES):
    tokenizer, _ = read_tokenizer(folder)
    return tokenizer.encode(render_chat(messages, add_generation_prompt=True))


def test_model_info_health_and_models(model_folder):
    with running_engine(model_folder) as (url, _):
        status, info = call_json(url, "/get_model_info")
        assert status == 200
        assert info["model_path"] == str(model_folder) and info["tokenizer_path"] == str(model_folder)
        assert info["weight_version"] == "default"
        assert call(url, "/health")[0] == 200
        status, models = call_json(url, "/v1/models")
        assert models["data"][0]["max_model_len"] == 96


def test_prefill_scoring_covers_the_input_from_logprob_start_len_with_a_leading_null(model_folder):
    ids = prompt_ids(model_folder) + read_tokenizer(model_folder)[0].encode("Sure thing! Cheers!")
    response_len = 5
    start = len(ids) - response_len - 1
    with running_engine(model_folder) as (url, _):
        status, body = call_json(
            url,
            "/generate",
            {"input_ids": ids, "sampling_params": {"max_new_tokens": 0, "temperature": 0}, "return_logprob": True, "logprob_start_len": start},
        )
    assert status == 200
    triples = body["meta_info"]["input_token_logprobs"]
    assert len(triples) == response_len + 1
    assert triples[0] == [None, ids[start], None]
    assert [t[1] for t in triples] == ids[start:]
    expected = model_log_probs(model_folder, ids)[start:]
    assert [t[0] for t in triples[1:]] == pytest.approx(expected, abs=1e-5)
    assert body["meta_info"]["output_token_logprobs"] == []
    assert body["meta_info"]["completion_tokens"] == 0


def test_default_logprob_start_is_the_last_input_token(model_folder):
    ids = prompt_ids(model_folder)
    with running_engine(model_folder) as (url, _):
        _, body = call_json(url, "/generate", {"input_ids": ids, "sampling_params": {"max_new_tokens": 0}, "return_logprob": True})
    assert body["meta_info"]["input_token_logprobs"] == [[None, ids[-1], None]]


@pytest.mark.parametrize("original", [True, False])
def test_sampled_log_probs_are_raw_only_in_original_logprob_mode(model_folder, original):
    ids = prompt_ids(model_folder)
    with running_engine(model_folder, original_logprob=original) as (url, _):
        _, body = call_json(
            url,
            "/generate",
            {"input_ids": ids, "sampling_params": {"max_new_tokens": 6, "temperature": 0.5}, "return_logprob": True},
        )
    out = body["meta_info"]["output_token_logprobs"]
    sampled = [t[1] for t in out]
    assert len(sampled) == body["meta_info"]["completion_tokens"] > 0
    full = ids + sampled
    expected = model_log_probs(model_folder, full, temperature=1.0 if original else 0.5)[len(ids) - 1 :]
    assert [t[0] for t in out] == pytest.approx(expected, abs=1e-5)
    assert body["meta_info"]["weight_version"] == "default"


def test_a_stopped_generation_ends_with_its_stop_token(tmp_path):
    folder = make_model_folder(tmp_path / "m", seed=3)
    tokenizer, stops = read_tokenizer(folder)
    ids = prompt_ids(folder)
    with running_engine(folder) as (url, _):
        # Make every token a stop token: the first sampled one ends the reply, and is reported.
        _, body = call_json(
            url, "/generate", {"input_ids": ids, "sampling_params": {"max_new_tokens": 5, "stop_token_ids": list(range(tokenizer.size))}, "return_logprob": True}
        )
    finish = body["meta_info"]["finish_reason"]
    assert finish["type"] == "stop"
    assert [t[1] for t in body["meta_info"]["output_token_logprobs"]] == [finish["matched"]]


def test_sampling_is_seeded_per_request_and_reproducible_across_engines(model_folder):
    ids = prompt_ids(model_folder)
    request = {"input_ids": ids, "sampling_params": {"max_new_tokens": 8, "temperature": 1.0}, "return_logprob": True}

    def two_samples(seed):
        with running_engine(model_folder, seed=seed) as (url, _):
            return [tuple(t[1] for t in call_json(url, "/generate", request)[1]["meta_info"]["output_token_logprobs"]) for _ in range(2)]

    first = two_samples(0)
    assert first == two_samples(0)  # a fresh engine with the same seed samples the same replies
    assert first[0] != first[1]  # the same request again is a new draw
    assert first != two_samples(1)


def test_chat_stream_carries_each_sampled_token_with_its_log_prob_and_leaves_out_the_end_token(model_folder):
    tokenizer, stops = read_tokenizer(model_folder)
    ids = prompt_ids(model_folder)
    with running_engine(model_folder) as (url, _):
        status, raw = call(
            url,
            "/v1/chat/completions",
            {"messages": MESSAGES, "stream": True, "logprobs": True, "temperature": 0.7, "stream_options": {"include_usage": True}},
        )
    assert status == 200
    chunks = sse_payloads(raw)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    tokens = [c["choices"][0]["logprobs"]["content"][0] for c in chunks if c["choices"] and c["choices"][0]["logprobs"]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    finish = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    usage = chunks[-1]["usage"]
    # Ids come back from the bytes through the vocab, as the gateway recovers them.
    sampled = [tokenizer.vocab[to_byte_level(bytes(t["bytes"]))] for t in tokens]
    assert tokenizer.decode(sampled) == text
    assert usage["prompt_tokens"] == len(ids)
    if finish == ["stop"]:
        assert usage["completion_tokens"] == len(sampled) + 1  # the end token counts, but is not shown
        assert all(i not in stops for i in sampled)
    else:
        assert finish == ["length"] and usage["completion_tokens"] == len(sampled)
    # SGLANG_RETURN_ORIGINAL_LOGPROB mode (the box's setting): raw log-probs although sampled at T = 0.7.
    expected = model_log_probs(model_folder, ids + sampled)[len(ids) - 1 :]
    assert [t["logprob"] for t in tokens] == pytest.approx(expected, abs=1e-5)


def test_chat_without_stream_answers_one_completion(model_folder):
    with running_engine(model_folder) as (url, _):
        status, body = call_json(url, "/v1/chat/completions", {"messages": MESSAGES, "logprobs": True, "top_logprobs": 3, "max_tokens": 4})
    assert status == 200
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert len(choice["logprobs"]["content"]) <= 4
    for entry in choice["logprobs"]["content"]:
        assert len(entry["top_logprobs"]) == 3
        assert entry["top_logprobs"][0]["logprob"] >= entry["logprob"] - 1e-6
    assert body["usage"]["completion_tokens"] <= 4


def test_update_weights_from_disk_swaps_the_model_and_its_version(model_folder, tmp_path):
    other = make_model_folder(tmp_path / "other", seed=11)
    ids = prompt_ids(model_folder)
    score = {"input_ids": ids, "sampling_params": {"max_new_tokens": 0}, "return_logprob": True, "logprob_start_len": 0}
    with running_engine(model_folder) as (url, _):
        status, answer = call_json(url, "/update_weights_from_disk", {"model_path": str(other), "weight_version": "7"})
        assert status == 200 and answer["success"] is True
        _, info = call_json(url, "/get_model_info")
        assert info["weight_version"] == "7" and info["model_path"] == str(other)
        assert info["tokenizer_path"] == str(model_folder)
        _, body = call_json(url, "/generate", score)
        assert body["meta_info"]["weight_version"] == "7"
        assert [t[0] for t in body["meta_info"]["input_token_logprobs"][1:]] == pytest.approx(model_log_probs(other, ids), abs=1e-5)
        status, answer = call_json(url, "/update_weights_from_disk", {"model_path": str(tmp_path / "missing"), "weight_version": "8"})
        assert status == 400 and answer["success"] is False
        assert call_json(url, "/get_model_info")[1]["weight_version"] == "7"


@pytest.mark.parametrize(
    "path,body,message",
    [
        ("/generate", {"text": "hi", "input_ids": [1]}, "exactly one"),
        ("/generate", {"input_ids": []}, "empty"),
        ("/generate", {"input_ids": [1], "sampling_params": {"stop": ["x"]}}, "stop strings"),
        ("/v1/chat/completions", {"messages": []}, "messages"),
        ("/v1/chat/completions", {"messages": MESSAGES, "temperature": "hot"}, "temperature"),
    ],
)
def test_bad_requests_get_a_400_in_sglangs_error_shape(model_folder, path, body, message):
    with running_engine(model_folder) as (url, _):
        status, answer = call_json(url, path, body)
    assert status == 400
    assert answer["object"] == "error" and message in answer["message"]


def test_api_key_guards_every_route_but_health(model_folder):
    with running_engine(model_folder, api_key="k-123") as (url, _):
        assert call(url, "/health")[0] == 200
        assert call(url, "/get_model_info")[0] == 401
        assert call(url, "/get_model_info", headers={"Authorization": "Bearer k-123"})[0] == 200
