"""The finished runs of each model grouped as the comparison table groups them, with their
intervals and the pairwise tests between them. NumPy only."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zoo.bench.row import ResultRow
from zoo.bench.runlog import read_log
from zoo.report.stats import LEVEL, SIGNIFICANCE, bootstrap_interval, mcnemar_exact
from zoo.report.table import CORE_PROVIDER, group_key, summarize, summary_key
from zoo.train.outputs import RunLog, predict_labels


@dataclass
class ModelRuns:
    """The finished runs of one model, provider and backend: the comparison table's summary of
    them (``zoo.report.table.summarize``), the rows, and their logs where stored."""

    label: str
    summary: dict[str, Any]
    rows: list[ResultRow] = field(default_factory=list)
    logs: list[RunLog | None] = field(default_factory=list)

    @property
    def accuracies(self) -> list[float]:
        return [float(row.test_accuracy) for row in self.rows]

    @property
    def mean_accuracy(self) -> float:
        return float(self.summary["test_accuracy"])

    @property
    def std_accuracy(self) -> float:
        return float(self.summary["test_accuracy_std"])

    @property
    def train_seconds(self) -> float:
        seconds = self.summary["train_seconds"]
        return math.nan if seconds is None else float(seconds)

    def correct_by_seed(self) -> dict[int, np.ndarray]:
        return {
            int(row.seed): log.correct
            for row, log in zip(self.rows, self.logs, strict=True)
            if log is not None
        }

    def interval(self) -> tuple[float, float] | None:
        """The bootstrap interval (at ``LEVEL``) of the seed-averaged accuracy, from the logs."""
        correct = list(self.correct_by_seed().values())
        if not correct or len({len(c) for c in correct}) != 1:
            return None
        return bootstrap_interval(correct)


def group_runs(entries: Iterable[tuple[Path, ResultRow]]) -> list[ModelRuns]:
    """Finished rows grouped as the comparison table groups them, best mean accuracy first."""
    members: dict[tuple[str, str, str, str], list[tuple[Path, ResultRow]]] = {}
    for path, row in entries:
        if row.ok:
            members.setdefault(group_key(row), []).append((path, row))
    several_backends = len({key[2] for key in members}) > 1
    groups = []
    for summary in summarize(row for group in members.values() for _, row in group):
        label = summary["model"]
        provider = summary["provider"]
        if provider and not provider.startswith(f"{CORE_PROVIDER} "):
            label += f" ({provider})"
        if several_backends:
            label += f" [{summary['backend']}]"
        if summary["settings"]:
            label += f" [{summary['settings']}]"
        group = members[summary_key(summary)]
        rows = [row for _, row in group]
        groups.append(ModelRuns(label, summary, rows, [read_log(p, row) for p, row in group]))
    return groups


def by_dataset(
    entries: Iterable[tuple[Path, ResultRow]],
) -> dict[str, list[tuple[Path, ResultRow]]]:
    """The rows of each dataset (its name, or a suite's short name; the data's fingerprint tells
    two datasets of one name apart), in the order they first appear."""
    named: dict[tuple[str, str], list[tuple[Path, ResultRow]]] = {}
    for path, row in entries:
        named.setdefault((row.dataset or "data", row.data_fingerprint or ""), []).append(
            (path, row)
        )
    names = [name for name, _ in named]
    return {
        name if names.count(name) == 1 else f"{name} ({fingerprint[:8]})": rows
        for (name, fingerprint), rows in named.items()
    }


def mcnemar_between(first: ModelRuns, second: ModelRuns) -> float | None:
    """McNemar's exact test on per-example correctness, pooled over the seeds both ran on the
    same test set; None without such predictions."""
    a, b = first.correct_by_seed(), second.correct_by_seed()
    seeds = sorted(set(a) & set(b))
    if not seeds or any(len(a[s]) != len(b[s]) for s in seeds):
        return None
    return mcnemar_exact(
        np.concatenate([a[s] for s in seeds]), np.concatenate([b[s] for s in seeds])
    )


def pairwise(groups: list[ModelRuns]) -> list[list[str]]:
    """The McNemar tests as a matrix: the cell of row A and column B says whether A is better
    (``▲``), worse (``▼``) or not significantly different (``·``) than B, with the p-value;
    ``-`` where there is no test."""
    matrix = []
    for first in groups:
        cells = []
        for second in groups:
            p = None if first is second else mcnemar_between(first, second)
            if p is None:  # the diagonal, or no predictions on the same test set
                cells.append("-")
                continue
            mark = (
                "·"
                if p >= SIGNIFICANCE
                else "▲"
                if first.mean_accuracy > second.mean_accuracy
                else "▼"
            )
            cells.append(f"{mark} {p:.2g}")
        matrix.append(cells)
    return matrix


def confusion(group: ModelRuns) -> tuple[list[str], np.ndarray] | None:
    """The test examples of each true class (rows) by predicted class (columns), summed over
    the seeds with stored predictions; the class names where the logs keep them."""
    logs = [log for log in group.logs if log is not None]
    if not logs:
        return None
    classes = max(int(log.labels.max(initial=0)) + 1 for log in logs)
    classes = max(classes, max(log.probabilities.shape[-1] for log in logs))
    counts = np.zeros((classes, classes), dtype=np.int64)
    for log in logs:
        np.add.at(counts, (log.labels, predict_labels(log.probabilities)), 1)
    names = next((log.class_names for log in logs if len(log.class_names) == classes), None)
    return names or [str(i) for i in range(classes)], counts


def table_rows(groups: list[ModelRuns]) -> list[dict[str, str]]:
    """The comparison table as text cells, in the report's order; macro-F1 for more than two
    classes or imbalanced ones."""
    several_classes = any(
        (group.summary.get("num_classes") or 2) > 2 or group.summary.get("imbalanced")
        for group in groups
    )
    rows = []
    for group in groups:
        interval = group.interval()
        f1 = group.summary.get("macro_f1")
        rows.append(
            {
                "model": group.label,
                "seeds": str(len(group.rows)),
                "test acc %": f"{100 * group.mean_accuracy:.2f}",
                "std": f"{100 * group.std_accuracy:.2f}",
                **(
                    {"macro F1 %": "-" if f1 is None else f"{100 * f1:.2f}"}
                    if several_classes
                    else {}
                ),
                f"{LEVEL:.0%} interval": "-"
                if interval is None
                else f"{100 * interval[0]:.2f} to {100 * interval[1]:.2f}",
                "train s": f"{group.train_seconds:.1f}",
                "params": f"{round(group.summary['params'] or 0):,}",
            }
        )
    return rows
