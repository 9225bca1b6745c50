"""The comparison table: one line per model and backend, seeds averaged, best accuracy first."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections.abc import Iterable
from typing import Any

from tabulate import tabulate

FORMATS = ("table", "markdown", "csv", "json")
HEADERS = {
    "model": "model",
    "params": "params",
    "test_accuracy": "test acc %",
    "best_val_accuracy": "best val %",
    "epochs_run": "epochs",
    "train_seconds": "train s",
    "seconds_per_epoch": "s/epoch",
    "train_samples_per_second": "train samples/s",
    "inference_samples_per_second": "infer samples/s",
    "latency_ms": "latency ms",
    "time_to_target_seconds": "s to target",
    "backend": "backend",
    "device": "device",
    "error": "error",
}


def summarize(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary per (model, backend): means over seeds, accuracy as mean and std."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["model"], row.get("backend") or ""), []).append(row)
    summaries = []
    for (model, backend), members in groups.items():
        ok = [row for row in members if row.get("status") == "ok"]
        errors = [row["error"] for row in members if row.get("status") != "ok"]
        summary: dict[str, Any] = {
            "model": model,
            "backend": backend,
            "device": members[-1].get("device", ""),
            "runs": len(ok),
            "error": errors[-1] if errors else "",
        }
        for key in HEADERS:
            if key in summary:
                continue
            values = [row[key] for row in ok if _number(row.get(key))]
            summary[key] = statistics.fmean(values) if values else None
        accuracies = [row["test_accuracy"] for row in ok if _number(row.get("test_accuracy"))]
        summary["test_accuracy_std"] = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        summaries.append(summary)
    return sorted(summaries, key=lambda s: -(s["test_accuracy"] or -1.0))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def render(rows: Iterable[dict[str, Any]], fmt: str = "table") -> str:
    """The comparison table of ``rows`` as text, markdown, CSV or JSON."""
    summaries = summarize(rows)
    if fmt == "json":
        return json.dumps(summaries, indent=2)
    columns = [key for key in HEADERS if key != "error" or any(s["error"] for s in summaries)]
    cells = [[_cell(key, summary) for key in columns] for summary in summaries]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([HEADERS[key] for key in columns])
        writer.writerows(cells)
        return out.getvalue().rstrip("\n")
    style = "github" if fmt == "markdown" else "simple"
    return tabulate(
        cells, headers=[HEADERS[key] for key in columns], tablefmt=style, disable_numparse=True
    )


def _cell(key: str, summary: dict[str, Any]) -> str:
    value = summary.get(key)
    if key == "test_accuracy" and value is not None:
        spread = summary["test_accuracy_std"] * 100
        text = f"{value * 100:.2f}"
        return f"{text} ± {spread:.2f}" if summary["runs"] > 1 else text
    if value is None or value == "":
        return "-"
    if key == "best_val_accuracy":
        return f"{value * 100:.2f}"
    if key == "params":
        return f"{int(value):,}"
    if key in ("epochs_run",):
        return f"{value:g}"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)
