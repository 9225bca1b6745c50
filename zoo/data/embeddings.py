"""Pretrained word vectors (GloVe or word2vec text format, gzip too) aligned to a vocabulary."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zoo.data.sources import file_fingerprint
from zoo.errors import DatasetError

MISSING_STDDEV = 0.05


@dataclass
class EmbeddingMatrix:
    """A ``(vocab_size, dim)`` matrix; ``found`` of ``searched`` vocabulary words had a vector;
    ``fingerprint`` identifies the vectors file by its content (sha256 of its bytes)."""

    matrix: np.ndarray
    found: int
    searched: int
    fingerprint: str = ""

    @property
    def coverage(self) -> str:
        return f"{self.found:,} of {self.searched:,} words found"

    @property
    def width(self) -> int:
        return int(self.matrix.shape[1])


def load_embedding_matrix(
    path: str | Path, vocabulary: list[str], seed: int = 0
) -> EmbeddingMatrix:
    """Row ``i`` holds the vector of ``vocabulary[i]``; row 0 (padding) is zero.

    Words without a vector are drawn from a small normal distribution, as is the OOV row.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"embeddings not found: {path} is not a file")
    index = {word: i for i, word in enumerate(vocabulary) if i > 1}
    vectors: dict[int, np.ndarray] = {}
    dim = None
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                parts = line.rstrip().split(" ")
                if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    continue  # word2vec header: "<count> <dim>"
                if len(parts) < 2:
                    continue
                if dim is None:
                    dim = len(parts) - 1
                elif len(parts) - 1 != dim:
                    raise DatasetError(
                        f"{path.name} line {number} has {len(parts) - 1} values, "
                        f"earlier lines have {dim}; the file mixes dimensions or is damaged"
                    )
                row = index.get(parts[0])
                if row is not None and row not in vectors:
                    vectors[row] = _parse_vector(parts[1:], path, number)
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise DatasetError(f"{path} is a damaged gzip file ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text") from exc
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if dim is None:
        raise DatasetError(f"{path} holds no word vectors")
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, MISSING_STDDEV, size=(len(vocabulary), dim)).astype(np.float32)
    matrix[0] = 0.0
    for row, vector in vectors.items():
        matrix[row] = vector
    return EmbeddingMatrix(
        matrix, found=len(vectors), searched=len(index), fingerprint=file_fingerprint(path)
    )


def _parse_vector(values: list[str], path: Path, number: int) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float32)
    except ValueError as exc:
        raise DatasetError(f"{path.name} line {number} holds a value that is not a number") from exc
