"""Ensemble methods compared inside the validation split alone, by 5-fold cross-validation.

    python benchmarks/ensemble_cv.py RESULTS.csv

For each dataset in the results file and each seed every member ran: the members are those
`zoo ensemble RESULTS` chooses; each method is fitted on four fifths of the validation outputs
and scored on the fifth left out, five times. Prints each method's accuracy over the folds and
the best single member's validation accuracy. Test outputs are never read: a way to choose
between methods before scoring one on test.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from pathlib import Path

import numpy as np

from zoo.bench.results import read_results
from zoo.bench.runlog import read_log
from zoo.ensemble.combine import EPSILON, Stacker, as_classes, fit
from zoo.ensemble.runs import choose_members

FOLDS = 5
Method = Callable[[list[np.ndarray], np.ndarray, list[np.ndarray]], np.ndarray]


def zoo_method(name: str) -> Method:
    """One of zoo ensemble's methods: fitted on the first outputs, applied to the second."""
    return lambda fitted, labels, applied: fit(name, fitted, labels).apply(applied)


def stacked_on_log_probabilities(
    fitted: list[np.ndarray], labels: np.ndarray, applied: list[np.ndarray]
) -> np.ndarray:
    """The stacker on the logarithms of the members' probabilities instead of the probabilities,
    standardized on the fitted examples (raw, they reach -16, where the stacker's fixed step
    diverges)."""

    def features(outputs: list[np.ndarray]) -> np.ndarray:
        return np.hstack([np.log(np.clip(as_classes(o), EPSILON, 1.0)) for o in outputs])

    known = features(fitted)
    centre, scale = known.mean(axis=0), known.std(axis=0) + EPSILON
    stacker = Stacker.fit((known - centre) / scale, labels, as_classes(fitted[0]).shape[1])
    return stacker.predict((features(applied) - centre) / scale)


METHODS: dict[str, Method] = {
    "mean": zoo_method("mean"),
    "weighted": zoo_method("weighted"),
    "stacked": zoo_method("stacked"),
    "stacked on log-probabilities": stacked_on_log_probabilities,
}


def cross_validated(method: Method, outputs: list[np.ndarray], labels: np.ndarray) -> float:
    """Accuracy of ``method`` on each validation example when fitted without it."""
    folds = np.array_split(np.random.default_rng(0).permutation(len(labels)), FOLDS)
    right = 0
    for held in folds:
        kept = np.setdiff1d(np.arange(len(labels)), held)
        combined = method([o[kept] for o in outputs], labels[kept], [o[held] for o in outputs])
        right += int(np.sum(combined.argmax(axis=1) == labels[held]))
    return right / len(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    results = parser.parse_args().results
    rows = read_results(results)
    for dataset in sorted({row.dataset for row in rows}):
        members = choose_members([row for row in rows if row.dataset == dataset], None)
        seeds = sorted(set.intersection(*(set(member.rows) for member in members)))
        scores: dict[str, list[float]] = {name: [] for name in METHODS}
        single: dict[str, list[float]] = {member.model: [] for member in members}
        for seed in seeds:
            logs = [read_log(results, member.rows[seed]) for member in members]
            outputs = [log.val_probabilities for log in logs]
            labels = np.asarray(logs[0].val_labels)
            for name, method in METHODS.items():
                scores[name].append(cross_validated(method, outputs, labels))
            for member, output in zip(members, outputs, strict=True):
                correct = as_classes(output).argmax(axis=1) == labels
                single[member.model].append(float(np.mean(correct)))
        best = max(single, key=lambda model: statistics.fmean(single[model]))
        print(f"{dataset}, seeds {seeds}: best single member on validation {best} "
              f"{100 * statistics.fmean(single[best]):.2f} %")  # fmt: skip
        for name, values in scores.items():
            per_seed = ", ".join(f"{100 * value:.2f}" for value in values)
            print(f"  {name}: {100 * statistics.fmean(values):.2f} % ({per_seed})")


if __name__ == "__main__":
    main()
