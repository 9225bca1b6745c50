"""Length-bucketed batches: each batch is cut to the longest text in it, rounded up to a bucket.

Texts are left-padded to the run's sequence length, so the last ``width`` columns of a row hold
all its tokens when ``width`` is at least its length. Grouping texts of similar length and cutting
each batch to one of a few widths stops paying for padding (IMDB reviews average about half the
usual length of 500) while jax and TensorFlow compile one shape per width only. NumPy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMALLEST_WIDTH = 32


def token_counts(x: np.ndarray) -> np.ndarray:
    """Tokens per left-padded row: its width minus the leading padding (id 0)."""
    present = x != 0
    first = np.where(present.any(axis=1), present.argmax(axis=1), x.shape[1])
    return x.shape[1] - first


def bucket_widths(sequence_length: int) -> np.ndarray:
    """Widths 32, 64, 128, … doubling, then the full sequence length."""
    widths = []
    width = SMALLEST_WIDTH
    while width < sequence_length:
        widths.append(width)
        width *= 2
    return np.array([*widths, sequence_length])


@dataclass(frozen=True)
class Batch:
    """Rows of one batch and the width (trailing columns) they are cut to."""

    rows: np.ndarray
    width: int


def plan_batches(
    x: np.ndarray, batch_size: int, rng: np.random.Generator | None = None
) -> list[Batch]:
    """Batches of rows of similar length; shuffled within buckets and in order when ``rng``.

    Without ``rng`` the plan is deterministic (rows by bucket, in their order): for inference.
    """
    widths = bucket_widths(x.shape[1])
    bucket_of = np.searchsorted(widths, token_counts(x))
    batches = []
    for bucket in np.unique(bucket_of):
        rows = np.flatnonzero(bucket_of == bucket)
        if rng is not None:
            rows = rng.permutation(rows)
        width = int(widths[bucket])
        batches += [
            Batch(rows[start : start + batch_size], width)
            for start in range(0, len(rows), batch_size)
        ]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
