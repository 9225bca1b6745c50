"""Backend-free text vectorization: standardize, build a vocabulary, encode with left padding.

Standardization follows Keras ``TextVectorization`` (lowercase, strip punctuation) and also strips
HTML tags such as IMDB's ``<br />``; with punctuation ``keep``, the marks a word does not enclose
(``!``, ``?``, a closing quote, but not ``don't``'s) become tokens of their own, which NBSVM-style
models read as evidence. Plain Python and NumPy: no TensorFlow, so it runs on every Keras backend.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zoo.data.settings import AUTO_CAP, AUTO_PERCENTILE, KEEP, LONGEST, STRIP, check_settings
from zoo.errors import DatasetError, ZooError, one_line

PAD, OOV = "", "[UNK]"
_HTML_TAG = re.compile(r"<[^>]*>")
_STRIP_PUNCTUATION = str.maketrans("", "", string.punctuation)
_MARK = f"[{re.escape(string.punctuation)}]"
_INSIDE_A_WORD = re.compile(rf"(?<=\w){_MARK}+(?=\w)")
_A_MARK = re.compile(_MARK)


def standardize(text: str, punctuation: str = STRIP) -> str:
    """Lowercase, replace HTML tags by spaces and remove ASCII punctuation; with ``keep``, only
    the marks inside a word are removed and the others stand apart as words."""
    text = _HTML_TAG.sub(" ", text.lower())
    if punctuation == KEEP:
        return _A_MARK.sub(r" \g<0> ", _INSIDE_A_WORD.sub("", text))
    return text.translate(_STRIP_PUNCTUATION)


def tokenize(text: str, punctuation: str = STRIP) -> list[str]:
    return standardize(text, punctuation).split()


def fitted_length(tokens: Sequence[Sequence[str]], sequence_length: int | str | None) -> int:
    """The sequence length: a number as given; the longest text for ``longest`` (or None); for
    ``auto`` the 99th percentile of the lengths rounded up to a power of 2 (at least 16), capped
    at ``AUTO_CAP``."""
    lengths = np.array([len(words) for words in tokens] or [1])
    if isinstance(sequence_length, int):
        return sequence_length
    if sequence_length in (None, LONGEST):
        return max(int(lengths.max()), 1)
    high = max(float(np.percentile(lengths, AUTO_PERCENTILE)), 16.0)
    return min(2 ** math.ceil(math.log2(high)), AUTO_CAP)


@dataclass
class Vectorizer:
    """Maps texts to int32 id matrices; id 0 is padding and id 1 an out-of-vocabulary word."""

    vocabulary: list[str]
    sequence_length: int
    truncate: str = "start"
    punctuation: str = STRIP

    def __post_init__(self) -> None:
        check_settings(len(self.vocabulary), self.sequence_length, self.truncate, self.punctuation)
        self._index = {word: i for i, word in enumerate(self.vocabulary)}

    @classmethod
    def fit(
        cls,
        texts: Iterable[str],
        max_tokens: int,
        sequence_length: int | str | None = None,
        truncate: str = "start",
        punctuation: str = STRIP,
    ) -> tuple[Vectorizer, list[list[str]]]:
        """Build the vocabulary from ``texts``; also returns their tokens for encoding."""
        check_settings(max_tokens, sequence_length, truncate, punctuation)
        tokens = [tokenize(text, punctuation) for text in texts]
        counts: Counter[str] = Counter()
        for words in tokens:
            counts.update(words)
        vocabulary = [PAD, OOV] + [w for w, _ in counts.most_common(max(max_tokens - 2, 0))]
        length = fitted_length(tokens, sequence_length)
        return cls(vocabulary, length, truncate, punctuation), tokens

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def encode(self, texts: Iterable[str]) -> np.ndarray:
        return self.encode_tokens(tokenize(text, self.punctuation) for text in texts)

    def encode_tokens(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Encode tokenized texts, padding on the left and truncating on ``truncate``'s side."""
        rows = [[self._index.get(w, 1) for w in words] for words in token_lists]
        length = self.sequence_length
        out = np.zeros((len(rows), length), dtype=np.int32)
        keep_end = self.truncate == "start"
        for i, ids in enumerate(rows):
            if len(ids) > length:
                ids = ids[-length:] if keep_end else ids[:length]
            if ids:
                out[i, length - len(ids) :] = ids
        return out

    def to_dict(self) -> dict:
        return {
            "format": "keras-zoo-vectorizer/1",
            "sequence_length": self.sequence_length,
            "truncate": self.truncate,
            "punctuation": self.punctuation,
            "vocabulary": self.vocabulary,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Vectorizer:
        if data.get("format") != "keras-zoo-vectorizer/1":
            raise DatasetError("not a keras-zoo vectorizer file")
        return cls(
            list(data["vocabulary"]),
            int(data["sequence_length"]),
            data["truncate"],
            data.get("punctuation", STRIP),  # saved before the setting: stripped
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vectorizer:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, ZooError) as exc:
            raise DatasetError(
                f"cannot read vectorizer {path} ({one_line(exc)}); "
                "the run is damaged, train it again"
            ) from exc
