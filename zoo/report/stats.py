"""Whether a difference in test accuracy is real: bootstrap intervals and McNemar's exact test.

Both work on per-example correctness (``True`` where a model got a test text right), so they need
the predictions each run stores beside the results file. NumPy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

RESAMPLES = 2000
LEVEL = 0.95
SIGNIFICANCE = 0.05


def bootstrap_interval(
    correct_per_seed: Sequence[np.ndarray], resamples: int = RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """A 95 % percentile interval of the seed-averaged accuracy, resampling test examples.

    Every seed was scored on the same test examples, so one resample of example indices applies
    to all of them: the interval covers the test set's sampling, not the seeds' spread.
    """
    matrix = np.asarray([np.asarray(c, dtype=np.float64) for c in correct_per_seed])
    size = matrix.shape[1]
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for i in range(resamples):
        rows = rng.integers(0, size, size)
        means[i] = matrix[:, rows].mean()
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def mcnemar_exact(first_correct: np.ndarray, second_correct: np.ndarray) -> float:
    """Two-sided exact McNemar p-value on paired per-example correctness.

    Only the discordant pairs count: ``b`` texts only the first got right, ``c`` only the second;
    under the null hypothesis each is Binomial(b + c, 1/2).
    """
    first = np.asarray(first_correct, dtype=bool)
    second = np.asarray(second_correct, dtype=bool)
    only_first = int(np.sum(first & ~second))
    only_second = int(np.sum(~first & second))
    total = only_first + only_second
    if total == 0:
        return 1.0
    tail = _binomial_cdf(min(only_first, only_second), total)
    return min(1.0, 2 * tail)


def _binomial_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (n may be tens of thousands)."""
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in range(k + 1)]
    top = max(logs)
    return math.exp(top + math.log(sum(math.exp(v - top) for v in logs)) - n * math.log(2))


def verdict(
    first: str, second: str, first_accuracy: float, second_accuracy: float, p: float
) -> str:
    """'A beats B (p = …)' when the difference is significant at 5 %, else 'no significant …'."""
    if p >= SIGNIFICANCE:
        return f"{first} vs {second}: no significant difference (p = {p:.3g})"
    winner, loser = (first, second) if first_accuracy >= second_accuracy else (second, first)
    return f"{winner} beats {loser} (p = {p:.3g})"
