"""The comparison table: one line per model, provider and backend, seeds averaged, best first."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections.abc import Iterable
from typing import Any

from tabulate import tabulate

from zoo.config import FLOAT32

FORMATS = ("table", "markdown", "csv", "json")
CORE_PROVIDER = "keras-zoo"
HEADERS = {
    "model": "model",
    "provider": "provider",
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
    "precision": "precision",
    "backend": "backend",
    "device": "device",
    "error": "error",
}
_TEXT = {"model", "provider", "precision", "backend", "device", "error"}
_PERCENT = {"test_accuracy", "best_val_accuracy"}


def summarize(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary per (model, provider, backend): means over the finished seeds, best first.

    ``test_accuracy_std`` is the sample standard deviation (n - 1) over seeds, 0 for one seed.
    """
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(group_key(row), []).append(row)
    summaries = []
    for (model, provider, backend), members in groups.items():
        ok = [row for row in members if row.get("status") == "ok"]
        errors = [row["error"] for row in members if row.get("status") != "ok"]
        summary: dict[str, Any] = {
            "model": model,
            "provider": provider,
            "backend": backend,
            "device": members[-1].get("device", ""),
            "precision": members[-1].get("precision") or "",
            "runs": len(ok),
            "error": errors[-1] if errors else "",
        }
        for key in HEADERS.keys() - _TEXT:
            values = [row[key] for row in ok if _number(row.get(key))]
            summary[key] = statistics.fmean(values) if values else None
        accuracies = [row["test_accuracy"] for row in ok if _number(row.get("test_accuracy"))]
        summary["test_accuracy_std"] = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        summaries.append(summary)
    return sorted(summaries, key=lambda s: -(s["test_accuracy"] or -1.0))


def group_key(row: dict[str, Any]) -> tuple[str, str, str]:
    """What a row is compared as: its model, provider and backend (seeds are averaged)."""
    return (row["model"], row.get("provider") or "", row.get("backend") or "")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def render(rows: Iterable[dict[str, Any]], fmt: str = "table") -> str:
    """The comparison table of ``rows`` as text, markdown, CSV or JSON.

    Text and markdown cells are rounded for reading; CSV cells are plain numbers (accuracies in
    percent, blank when missing) and JSON holds the unrounded summaries.
    """
    summaries = summarize(rows)
    if fmt == "json":
        return json.dumps(summaries, indent=2)
    columns = [key for key in HEADERS if _shown(key, summaries)]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        headers = [HEADERS[key] for key in columns]
        headers.insert(columns.index("test_accuracy") + 1, "test acc std")
        writer.writerow(headers)
        for summary in summaries:
            cells = [_plain(key, summary.get(key)) for key in columns]
            cells.insert(columns.index("test_accuracy") + 1, _plain("", _std(summary)))
            writer.writerow(cells)
        return out.getvalue().rstrip("\n")
    cells = [[_cell(key, summary) for key in columns] for summary in summaries]
    style = "github" if fmt == "markdown" else "simple"
    return tabulate(
        cells, headers=[HEADERS[key] for key in columns], tablefmt=style, disable_numparse=True
    )


def _shown(key: str, summaries: list[dict[str, Any]]) -> bool:
    """The error column only when a run failed; the provider only when one is not keras-zoo;
    the precision only when one is not float32."""
    if key == "error":
        return any(s["error"] for s in summaries)
    if key == "precision":
        return any(s["precision"] not in ("", FLOAT32) for s in summaries)
    if key == "provider":
        return any(s["provider"].split(" ")[0] not in ("", CORE_PROVIDER) for s in summaries)
    return True


def _std(summary: dict[str, Any]) -> float | None:
    return summary["test_accuracy_std"] * 100 if summary["runs"] > 1 else None


def _plain(key: str, value: Any) -> Any:
    if value is None:
        return ""
    if key in _PERCENT:
        return round(value * 100, 4)
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 4)
    return value


def _cell(key: str, summary: dict[str, Any]) -> str:
    value = summary.get(key)
    if key == "test_accuracy" and value is not None:
        text = f"{value * 100:.2f}"
        spread = _std(summary)
        return f"{text} ± {spread:.2f}" if spread is not None else text
    if value is None or value == "":
        return "-"
    if key == "best_val_accuracy":
        return f"{value * 100:.2f}"
    if key == "params":
        return f"{int(value):,}"
    if key == "epochs_run":
        return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)
