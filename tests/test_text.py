import numpy as np
import pytest

from zoo import ConfigError
from zoo.data.settings import DataSettings
from zoo.data.text import Vectorizer, standardize, tokenize


def test_standardize_strips_html_punctuation_and_case():
    assert standardize("Great<br />movie, isn't it?!") == "great movie isnt it"


def test_kept_punctuation_stands_apart_and_leaves_the_words_as_stripping_does():
    text = 'A "well-made" film, isn\'t it?! 7/10 <br />:)'
    assert tokenize(text, "keep") == [
        "a", '"', "wellmade", '"', "film", ",", "isnt", "it", "?", "!", "710", ":", ")",
    ]  # fmt: skip
    words = [word for word in tokenize(text, "keep") if word.isalnum()]
    assert words == tokenize(text)


def test_a_vectorizer_keeps_punctuation_through_saving_and_old_files_strip(tmp_path):
    vectorizer, tokens = Vectorizer.fit(["good!", "bad ."], 10, punctuation="keep")
    assert tokens == [["good", "!"], ["bad", "."]] and "!" in vectorizer.vocabulary
    vectorizer.save(tmp_path / "v.json")
    loaded = Vectorizer.load(tmp_path / "v.json")
    assert loaded.punctuation == "keep"
    np.testing.assert_array_equal(loaded.encode(["bad!"]), vectorizer.encode(["bad!"]))
    saved = vectorizer.to_dict()
    del saved["punctuation"]  # a vectorizer saved before the setting
    bad = vectorizer.vocabulary.index("bad")
    assert Vectorizer.from_dict(saved).encode(["bad!"]).tolist() == [[0, bad]]


def test_punctuation_keys_runs_only_when_kept():
    assert "punctuation" not in DataSettings().keyed()  # earlier runs keep their keys
    assert DataSettings(punctuation="keep").keyed()["punctuation"] == "keep"
    with pytest.raises(ConfigError, match="punctuation must be 'strip' or 'keep'"):
        DataSettings(punctuation="drop").check()


def test_vocabulary_orders_by_frequency_with_pad_and_oov_first():
    vectorizer, _ = Vectorizer.fit(["b a a", "a c b"], max_tokens=4)
    assert vectorizer.vocabulary == ["", "[UNK]", "a", "b"]


def test_left_padding_and_oov():
    vectorizer, _ = Vectorizer.fit(["good film", "bad film"], max_tokens=10, sequence_length=4)
    encoded = vectorizer.encode(["good unknownword"])
    good = vectorizer.vocabulary.index("good")
    assert encoded.tolist() == [[0, 0, good, 1]]
    assert encoded.dtype == np.int32


@pytest.mark.parametrize(("truncate", "kept"), [("start", ["c", "d"]), ("end", ["a", "b"])])
def test_truncation_side(truncate, kept):
    vectorizer, _ = Vectorizer.fit(["a b c d"], max_tokens=10, sequence_length=2, truncate=truncate)
    ids = vectorizer.encode(["a b c d"])[0]
    assert [vectorizer.vocabulary[i] for i in ids] == kept


def test_default_length_is_the_longest_training_text():
    vectorizer, _ = Vectorizer.fit(["a", "a b c", "a b"], max_tokens=10)
    assert vectorizer.sequence_length == 3


def test_save_and_load_round_trip(tmp_path):
    vectorizer, _ = Vectorizer.fit(["x y z", "y z"], max_tokens=10, sequence_length=5)
    vectorizer.save(tmp_path / "v.json")
    loaded = Vectorizer.load(tmp_path / "v.json")
    np.testing.assert_array_equal(loaded.encode(["z y q"]), vectorizer.encode(["z y q"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": 10, "sequence_length": 0}, "sequence_length must be positive"),
        ({"max_tokens": 10, "sequence_length": -3}, "sequence_length must be positive"),
        ({"max_tokens": 10, "truncate": "middle"}, "truncate"),
    ],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Vectorizer.fit(["a"], **kwargs)
