"""Expected best validation accuracy against the number of trials (Dodge et al. 2019, "Show
Your Work"): how good an architecture looks after n trials of its search, so a reader sees where
the curves of two architectures cross.

With the N finished trials of a study sorted by validation accuracy v(1) ≤ … ≤ v(N), the best of
n trials drawn from them with replacement is expected to be
``sum_i v(i) * ((i / N)^n - ((i - 1) / N)^n)`` (their estimator). A pruned trial counts with the
best validation accuracy it reached before it stopped: what that trial gave for its budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from zoo.bench.row import ResultRow


def expected_best(values: Iterable[float], trials: int) -> float:
    """The expected maximum of ``trials`` draws, with replacement, from ``values``."""
    ordered = np.sort(np.asarray(list(values), dtype=float))
    count = len(ordered)
    ranks = np.arange(1, count + 1)
    weights = (ranks / count) ** trials - ((ranks - 1) / count) ** trials
    return float(np.dot(weights, ordered))


def expected_best_curve(values: list[float]) -> list[float]:
    """``expected_best`` for 1, 2, …, ``len(values)`` trials."""
    return [expected_best(values, n) for n in range(1, len(values) + 1)]


def study_curves(
    entries: Iterable[tuple[Path, ResultRow]], storage: str | None = None
) -> dict[str, list[float]]:
    """Each study named in the rows, by its architecture: its expected-best curve.

    ``storage``: the studies' URL; None: ``zoo-tune.db`` beside each results file. Studies that
    cannot be read (no Optuna, no database) are left out; a database file is never created.
    """
    named = {(path, row.study, row.model) for path, row in entries if row.study}
    if not named:
        return {}
    try:
        from zoo.tune import study as studies

        optuna = studies.require_optuna()
    except Exception:
        return {}
    curves = {}
    for path, name, model in sorted(named):
        url = storage or studies.storage_url(None, path)
        stored = studies.file_of(url)
        if stored is not None and not stored.exists():  # a report reads; it creates no database
            continue
        try:
            found = optuna.load_study(study_name=name, storage=studies.open_storage(url))
        except Exception:  # a study the results name but this storage does not hold
            continue
        values = [
            score
            for trial in studies.finished(found)
            if (score := studies.score(trial)) is not None
        ]
        if values:
            curves[f"{model} ({name})"] = expected_best_curve(values)
    return curves
