"""Bootstrap intervals, McNemar's exact test and the expected best of n trials, against
hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.report.budget import expected_best, expected_best_curve
from zoo.report.stats import bootstrap_interval, mcnemar_exact, verdict


def _pairs(both: int, only_first: int, only_second: int, neither: int):
    first = [1] * both + [1] * only_first + [0] * only_second + [0] * neither
    second = [1] * both + [0] * only_first + [1] * only_second + [0] * neither
    return np.array(first, bool), np.array(second, bool)


@pytest.mark.parametrize(
    ("only_first", "only_second", "p"),
    [
        (1, 5, 2 * (1 + 6) / 64),  # P(X <= 1), X ~ Bin(6, 1/2) = 7/64, two-sided
        (0, 6, 2 / 64),
        (3, 3, 1.0),
        (0, 0, 1.0),
        (10, 0, 2 / 1024),
    ],
)
def test_mcnemar_exact_matches_the_binomial_by_hand(only_first, only_second, p):
    first, second = _pairs(50, only_first, only_second, 7)
    assert mcnemar_exact(first, second) == pytest.approx(p, rel=1e-12)
    assert mcnemar_exact(second, first) == pytest.approx(p, rel=1e-12)  # symmetric


def test_mcnemar_handles_a_large_test_set():
    first, second = _pairs(20000, 1200, 1000, 2800)
    p = mcnemar_exact(first, second)
    assert 0 < p < 1e-4  # 1,200 against 1,000 discordant pairs: a real difference


def test_bootstrap_interval_of_a_known_accuracy():
    assert bootstrap_interval([np.ones(300, bool)]) == (1.0, 1.0)
    half = np.arange(400) % 2 == 0
    low, high = bootstrap_interval([half, half])
    assert low < 0.5 < high
    assert high - low == pytest.approx(2 * 1.96 * 0.025, rel=0.15)  # normal approximation
    assert bootstrap_interval([half]) == bootstrap_interval([half])  # seeded, reproducible


def test_verdicts_say_who_wins_only_when_significant():
    assert verdict("nbsvm", "cnn1d", 0.91, 0.89, 0.001) == "nbsvm beats cnn1d (p = 0.001)"
    assert verdict("cnn1d", "nbsvm", 0.89, 0.91, 0.001) == "nbsvm beats cnn1d (p = 0.001)"
    assert verdict("lstm", "bilstm", 0.88, 0.881, 0.4) == (
        "lstm vs bilstm: no significant difference (p = 0.4)"
    )


def test_expected_best_of_n_trials_is_dodge_et_al_s_estimator():
    values = [0.9, 0.5, 0.7]
    assert expected_best(values, 1) == pytest.approx(0.7)  # the mean
    assert expected_best(values, 2) == pytest.approx((0.5 * 1 + 0.7 * 3 + 0.9 * 5) / 9)
    curve = expected_best_curve(values)
    assert len(curve) == 3 and curve == sorted(curve) and curve[-1] < 0.9
