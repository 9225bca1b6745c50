"""The table across the datasets of a suite: each architecture's test accuracy on each dataset
(mean ± standard deviation over seeds; of its settings with the best validation accuracy where
it ran under several) and its mean rank (1: the best on a dataset; ties share the mean of their
ranks), best mean rank first."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Mapping

from tabulate import tabulate

from zoo.bench.row import ResultRow
from zoo.report.table import summarize

MEAN_RANK = "mean rank"


def accuracies(rows_by_dataset: Mapping[str, list[ResultRow]]) -> dict[str, dict[str, dict]]:
    """Per dataset, per architecture: the mean and standard deviation of its test accuracy and
    its number of seeds. Where it ran under several settings on one dataset, the settings with
    the best mean validation accuracy stand for it, as a user would choose them: never by test
    accuracy."""
    table: dict[str, dict[str, dict]] = {}
    for dataset, rows in rows_by_dataset.items():
        chosen: dict[str, dict] = {}
        for summary in summarize(row for row in rows if row.ok):
            held = chosen.get(summary["model"])
            if summary["test_accuracy"] is not None and (
                held is None or _choice(summary) > _choice(held)
            ):
                chosen[summary["model"]] = summary
        keys = ("test_accuracy", "test_accuracy_std", "runs")
        table[dataset] = {model: {k: found[k] for k in keys} for model, found in chosen.items()}
    return table


def _choice(summary: dict) -> tuple[float, int, str]:
    """How settings are chosen: validation accuracy, then more seeds, then the run key (fixed
    and blind to test accuracy)."""
    validation = summary["best_val_accuracy"]
    return (-1.0 if validation is None else validation, summary["runs"], summary["config_hash"])


def ranks(means: Mapping[str, float]) -> dict[str, float]:
    """Each architecture's rank by mean accuracy on one dataset: 1 the best, ties averaged."""
    ordered = sorted(means.values(), reverse=True)
    return {
        model: statistics.fmean(i + 1 for i, value in enumerate(ordered) if value == mean)
        for model, mean in means.items()
    }


def suite_summaries(rows_by_dataset: Mapping[str, list[ResultRow]]) -> list[dict]:
    """One summary per architecture: its accuracy per dataset and its mean rank over the
    datasets it ran on, best mean rank first."""
    table = accuracies(rows_by_dataset)
    ranked = {
        dataset: ranks({model: cell["test_accuracy"] for model, cell in found.items()})
        for dataset, found in table.items()
    }
    models = sorted({model for found in table.values() for model in found})
    summaries = []
    for model in models:
        own = [ranked[dataset][model] for dataset in table if model in table[dataset]]
        summaries.append(
            {
                "model": model,
                "datasets": {d: found[model] for d, found in table.items() if model in found},
                "ranks": {d: ranked[d][model] for d in table if model in table[d]},
                "mean_rank": statistics.fmean(own),
            }
        )
    return sorted(summaries, key=lambda summary: (summary["mean_rank"], summary["model"]))


def render_suite(rows_by_dataset: Mapping[str, list[ResultRow]], fmt: str = "table") -> str:
    """The table across datasets as text, markdown, CSV (accuracies in percent) or JSON."""
    summaries = suite_summaries(rows_by_dataset)
    if fmt == "json":
        return json.dumps(summaries, indent=2)
    datasets = list(rows_by_dataset)
    headers = ["model", *(f"{name} %" for name in datasets), MEAN_RANK]
    lines = []
    for summary in summaries:
        cells = [summary["model"]]
        for name in datasets:
            found = summary["datasets"].get(name)
            if found is None:
                cells.append("" if fmt == "csv" else "-")
            elif fmt == "csv":
                cells.append(round(100 * found["test_accuracy"], 4))
            else:
                mean, spread = 100 * found["test_accuracy"], 100 * found["test_accuracy_std"]
                cells.append(f"{mean:.2f} ± {spread:.2f}" if found["runs"] > 1 else f"{mean:.2f}")
        cells.append(
            round(summary["mean_rank"], 4) if fmt == "csv" else f"{summary['mean_rank']:.2f}"
        )
        lines.append(cells)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([headers, *lines])
        return out.getvalue().rstrip("\n")
    style = "github" if fmt == "markdown" else "simple"
    return tabulate(lines, headers=headers, tablefmt=style, disable_numparse=True)
