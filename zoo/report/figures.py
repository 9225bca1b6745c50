"""The report's figures, drawn with matplotlib (an optional dependency: ``pip install
'keras-zoo[report]'``) as PNG bytes: learning curves, accuracy against training time with its
Pareto front, and the spread over seeds with each model's bootstrap interval."""

from __future__ import annotations

import io
import textwrap
from typing import Any

import numpy as np

from zoo.errors import ConfigError
from zoo.report.analysis import ModelRuns
from zoo.report.stats import LEVEL

TITLE_WIDTH = 60  # characters of a panel's title per line: long settings labels wrap


def draw_figures(
    groups: list[ModelRuns], curves: dict[str, list[float]] | None = None
) -> dict[str, bytes]:
    """Each figure's name and PNG; ``curves``: tune studies' expected best validation accuracy
    by number of trials (``zoo.report.budget``), drawn when there are any. Learning curves are
    drawn for the models with a training history (an ensemble has none)."""
    pyplot = _pyplot()
    trained = [group for group in groups if any(log and log.history for log in group.logs)]
    figures = {"learning_curves": _learning_curves(pyplot, trained)} if trained else {}
    figures["accuracy_vs_time"] = _accuracy_vs_time(pyplot, groups)
    figures["seed_spread"] = _seed_spread(pyplot, groups)
    if curves:
        figures["expected_best_validation"] = _expected_best(pyplot, curves)
    return figures


def _expected_best(pyplot: Any, curves: dict[str, list[float]]) -> bytes:
    figure, axis = pyplot.subplots(figsize=(8, 5))
    for label, curve in curves.items():
        trials = range(1, len(curve) + 1)
        axis.plot(trials, [100 * value for value in curve], marker="o", markersize=3, label=label)
    axis.set_xlabel("trials of the search")
    axis.set_ylabel("expected best validation accuracy % (Dodge et al. 2019)")
    axis.xaxis.get_major_locator().set_params(integer=True)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    return _png(pyplot, figure)


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
        accuracy_axis.set_title(textwrap.fill(f"{group.label}: accuracy", TITLE_WIDTH), fontsize=9)
        loss_axis.set_title(textwrap.fill(f"{group.label}: loss", TITLE_WIDTH), fontsize=9)
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
    axis.set_ylabel(f"test accuracy %: one point per seed, bar: {LEVEL:.0%} bootstrap interval")
    axis.grid(axis="y", alpha=0.3)
    return _png(pyplot, figure)
