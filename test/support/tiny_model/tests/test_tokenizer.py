import json

from tiny_model.chat_template import CHAT_TEMPLATE, IM_END, IM_START, render_chat
from tiny_model.corpus import HINT_MARKER
from tiny_model.model_folder import read_tokenizer
from tiny_model.tokenizer import TinyTokenizer, pre_tokenize


def test_pre_tokenizer_splits_like_byte_level_bpe():
    # GPT-2 rules: a leading space stays with its word, "\n\n" before text is two pieces, 's is its own piece.
    assert pre_tokenize("how do i boil an egg?") == ["how", "Ġdo", "Ġi", "Ġboil", "Ġan", "Ġegg", "?"]
    assert pre_tokenize("egg?\n\n[user's hint") == ["egg", "?", "Ċ", "Ċ", "[", "user", "'s", "Ġhint"]
    assert pre_tokenize("a  b") == ["a", "Ġ", "Ġb"]


def test_words_of_the_corpus_are_single_tokens_and_others_fall_back_to_bytes(model_folder):
    tokenizer, _ = read_tokenizer(model_folder)
    assert len(tokenizer.encode("how do i boil an egg?")) == 7
    unknown = tokenizer.encode("zyzzyva")
    assert len(unknown) == len("zyzzyva")
    assert tokenizer.decode(unknown) == "zyzzyva"
    text = "Sure thing! Just drop the egg ünïcode 🥚"
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_special_tokens_are_matched_in_text_and_skipped_when_decoding(model_folder):
    tokenizer, stop_ids = read_tokenizer(model_folder)
    ids = tokenizer.encode(render_chat([{"role": "user", "content": "hi"}], add_generation_prompt=True))
    assert ids[0] == tokenizer.special[IM_START]
    assert tokenizer.special[IM_END] in ids
    assert stop_ids[0] == tokenizer.special[IM_END]
    assert tokenizer.decode(ids) == "user\nhi\nassistant\n"
    assert tokenizer.decode(ids, skip_special_tokens=False).startswith(IM_START)


def test_the_teacher_prompt_marker_is_in_the_vocab(model_folder):
    tokenizer, _ = read_tokenizer(model_folder)
    ids = tokenizer.encode(HINT_MARKER)
    assert all(not tokenizer.is_special(i) for i in ids)
    assert len(ids) == len(pre_tokenize(HINT_MARKER))


def test_tokenizer_json_is_a_word_level_bpe_without_merges(model_folder):
    data = json.loads((model_folder / "tokenizer.json").read_text())
    assert data["model"]["type"] == "BPE" and data["model"]["merges"] == [] and data["model"]["ignore_merges"] is True
    assert data["pre_tokenizer"]["type"] == "ByteLevel" and data["decoder"]["type"] == "ByteLevel"
    config = json.loads((model_folder / "tokenizer_config.json").read_text())
    assert config["chat_template"] == CHAT_TEMPLATE and config["eos_token"] == IM_END
    again = TinyTokenizer.from_file(model_folder / "tokenizer.json")
    assert again.vocab == read_tokenizer(model_folder)[0].vocab
