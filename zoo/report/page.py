"""``zoo report``: figures, confidence intervals and significance tests from results files.

Reads rows (and the run logs stored beside them, see ``zoo.bench.runlog``) and writes a
self-contained ``report.html`` (figures embedded, no network at view time) with a PNG of each
figure. matplotlib
does the drawing; it is an optional dependency (``pip install 'keras-zoo[report]'``).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zoo.bench.row import ResultRow
from zoo.bench.runlog import RunLog, read_log
from zoo.errors import ConfigError
from zoo.paths import staged
from zoo.report.stats import bootstrap_interval, mcnemar_exact, verdict
from zoo.report.table import CORE_PROVIDER, group_key, summarize, summary_key

FIGURES = ("learning_curves", "accuracy_vs_time", "seed_spread")
REPORT_FILE = "report.html"


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
        """The 95 % bootstrap interval of the seed-averaged accuracy, when logs are stored."""
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


def comparisons(groups: list[ModelRuns]) -> list[str]:
    """For each pair with stored predictions on the same test set: who wins, and how surely.

    McNemar's exact test on per-example correctness, pooled over the seeds both ran.
    """
    lines = []
    for first, second in itertools.combinations(groups, 2):
        a, b = first.correct_by_seed(), second.correct_by_seed()
        seeds = sorted(set(a) & set(b))
        if not seeds or any(len(a[s]) != len(b[s]) for s in seeds):
            continue
        p = mcnemar_exact(
            np.concatenate([a[s] for s in seeds]), np.concatenate([b[s] for s in seeds])
        )
        lines.append(
            verdict(first.label, second.label, first.mean_accuracy, second.mean_accuracy, p)
        )
    return lines


def write_report(entries: list[tuple[Path, ResultRow]], out: Path) -> Path:
    """Draw every figure and write ``report.html`` with them into ``out``; its path."""
    groups = group_runs(entries)
    if not groups:
        raise ConfigError("the results hold no finished run to report; run zoo bench first")
    pyplot = _pyplot()
    figures = {
        "learning_curves": _learning_curves(pyplot, groups),
        "accuracy_vs_time": _accuracy_vs_time(pyplot, groups),
        "seed_spread": _seed_spread(pyplot, groups),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, png in figures.items():
        _write_bytes(out / f"{name}.png", png)
    page = _html(groups, comparisons(groups), figures)
    _write_bytes(out / REPORT_FILE, page.encode("utf-8"))
    return out / REPORT_FILE


def require_matplotlib() -> None:
    """Fail with one line, before any work, when matplotlib is missing."""
    _pyplot()


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ConfigError(
            "zoo report draws with matplotlib, which is not installed; "
            "pip install 'keras-zoo[report]'"
        ) from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def _png(pyplot: Any, figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    pyplot.close(figure)
    return buffer.getvalue()


def _learning_curves(pyplot: Any, groups: list[ModelRuns]) -> bytes:
    figure, axes = pyplot.subplots(len(groups), 2, figsize=(10, 2.6 * len(groups)), squeeze=False)
    for (accuracy_axis, loss_axis), group in zip(axes, groups, strict=True):
        for row, log in zip(group.rows, group.logs, strict=True):
            if log is None:
                continue
            for axis, metric in ((accuracy_axis, "accuracy"), (loss_axis, "loss")):
                for prefix, style in (("", "--"), ("val_", "-")):
                    values = log.history.get(prefix + metric, [])
                    epochs = range(1, len(values) + 1)
                    label = f"{'validation' if prefix else 'train'}, seed {row.seed}"
                    axis.plot(epochs, values, style, marker="o", label=label)
        accuracy_axis.set_title(f"{group.label}: accuracy")
        loss_axis.set_title(f"{group.label}: loss")
        for axis in (accuracy_axis, loss_axis):
            axis.set_xlabel("epoch")
            axis.xaxis.get_major_locator().set_params(integer=True)
            axis.grid(alpha=0.3)
            if axis.lines:
                axis.legend(fontsize=7)
            else:
                axis.text(0.5, 0.5, "no history stored", ha="center", transform=axis.transAxes)
    figure.tight_layout()
    return _png(pyplot, figure)


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats in both time (lower) and accuracy (higher)."""
    front = []
    for i, (seconds, accuracy) in enumerate(points):
        dominated = any(
            (s <= seconds and a >= accuracy) and (s < seconds or a > accuracy)
            for j, (s, a) in enumerate(points)
            if j != i
        )
        if not dominated:
            front.append(i)
    return sorted(front, key=lambda i: points[i][0])


def _accuracy_vs_time(pyplot: Any, groups: list[ModelRuns]) -> bytes:
    figure, axis = pyplot.subplots(figsize=(8, 5))
    points = [(group.train_seconds, 100 * group.mean_accuracy) for group in groups]
    front = pareto_front(points)
    for i, (group, (seconds, accuracy)) in enumerate(zip(groups, points, strict=True)):
        axis.scatter(seconds, accuracy, s=60, marker="*" if i in front else "o", zorder=3)
        axis.annotate(
            group.label, (seconds, accuracy), textcoords="offset points", xytext=(6, 4), fontsize=8
        )
    axis.plot(
        [points[i][0] for i in front],
        [points[i][1] for i in front],
        "k:",
        label="Pareto front (nothing both faster and more accurate)",
    )
    seconds = [point[0] for point in points if point[0] > 0]
    logarithmic = bool(seconds) and max(seconds) > 10 * min(seconds)
    if logarithmic:  # seconds from a linear model's few to a recurrent model's hundreds
        axis.set_xscale("log")
    scale = ", log scale" if logarithmic else ""
    axis.set_xlabel(f"training seconds (mean over seeds{scale})")
    axis.set_ylabel("test accuracy % (mean over seeds)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    return _png(pyplot, figure)


def _seed_spread(pyplot: Any, groups: list[ModelRuns]) -> bytes:
    figure, axis = pyplot.subplots(figsize=(max(6, 1.3 * len(groups)), 4.5))
    for x, group in enumerate(groups):
        values = [100 * value for value in group.accuracies]
        offsets = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0.0]
        axis.scatter([x + o for o in offsets], values, s=30, zorder=3)
        interval = group.interval()
        if interval is not None:
            low, high = (100 * v for v in interval)
            axis.errorbar(
                x + 0.3,
                (low + high) / 2,
                yerr=(high - low) / 2,
                fmt="_",
                color="black",
                capsize=4,
            )
    axis.set_xticks(range(len(groups)), [group.label for group in groups], rotation=30, ha="right")
    axis.set_ylabel("test accuracy %: one point per seed, bar: 95 % bootstrap interval")
    axis.grid(axis="y", alpha=0.3)
    return _png(pyplot, figure)


def table_rows(groups: list[ModelRuns]) -> list[dict[str, str]]:
    """The comparison table as text cells, in the report's order."""
    rows = []
    for group in groups:
        interval = group.interval()
        rows.append(
            {
                "model": group.label,
                "seeds": str(len(group.rows)),
                "test acc %": f"{100 * group.mean_accuracy:.2f}",
                "std": f"{100 * group.std_accuracy:.2f}",
                "95 % interval": "-"
                if interval is None
                else f"{100 * interval[0]:.2f} to {100 * interval[1]:.2f}",
                "train s": f"{group.train_seconds:.1f}",
                "params": f"{round(group.summary['params'] or 0):,}",
            }
        )
    return rows


_SORTER = """
document.querySelectorAll("th").forEach((th, column) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0];
  const up = th.dataset.order !== "up";
  th.dataset.order = up ? "up" : "down";
  const key = (row) => {
    const text = row.cells[column].innerText.replace(/,/g, "");
    const number = parseFloat(text);
    return isNaN(number) ? text : number;
  };
  [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : -1) * (up ? 1 : -1))
    .forEach((row) => body.appendChild(row));
}));
"""


def _html(groups: list[ModelRuns], verdicts: list[str], figures: dict[str, bytes]) -> str:
    cells = table_rows(groups)
    head = "".join(f"<th>{html.escape(name)}</th>" for name in cells[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row.values()) + "</tr>"
        for row in cells
    )
    tests = "".join(f"<li>{html.escape(line)}</li>" for line in verdicts) or (
        "<li>no pair has stored predictions on the same test set</li>"
    )
    images = "".join(
        f'<h2>{html.escape(name.replace("_", " "))}</h2><img alt="{name}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for name, png in figures.items()
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>keras-zoo report</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "th{cursor:pointer;background:#f3f3f3}img{max-width:100%}</style></head><body>"
        "<h1>keras-zoo report</h1><p>Click a column to sort. Intervals resample the test "
        "examples (2,000 times); tests are McNemar's exact test on the same test examples, "
        "pooled over seeds, at the 5 % level.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<h2>which differences are real</h2><ul>{tests}</ul>{images}"
        f"<script>{_SORTER}</script></body></html>"
    )


def _write_bytes(path: Path, content: bytes) -> None:
    try:
        with staged(path) as partial:
            partial.write_bytes(content)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
