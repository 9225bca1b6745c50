"""The comparison table: one line per model, provider, backend and settings, seeds averaged."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from tabulate import tabulate

from zoo.bench.row import SETTING_COLUMNS, ResultRow
from zoo.train.precision import FLOAT32

FORMATS = ("table", "markdown", "csv", "json")
CORE_PROVIDER = "keras-zoo"
HEADERS = {
    "model": "model",
    "settings": "settings",
    "provider": "provider",
    "params": "params",
    "test_accuracy": "test acc %",
    "macro_f1": "macro F1 %",
    "best_val_accuracy": "best val %",
    "epochs_run": "epochs",
    "stopped": "stopped",
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
_TEXT = {"model", "settings", "provider", "stopped", "precision", "backend", "device", "error"}
IMBALANCE = 1.5
_PERCENT = {"test_accuracy", "macro_f1", "best_val_accuracy"}


def summarize(rows: Iterable[ResultRow]) -> list[dict[str, Any]]:
    """One summary per model, provider, backend and configuration: means over the finished seeds,
    best first.

    ``test_accuracy_std`` is the sample standard deviation (n - 1) over seeds, 0 for one seed.
    ``settings`` says what sets a configuration apart where a model ran under several (e.g.
    ``units=128``), else is empty: runs of different settings are never averaged together.
    """
    groups: dict[tuple[str, str, str, str], list[ResultRow]] = {}
    for row in rows:
        groups.setdefault(group_key(row), []).append(row)
    settings = settings_labels(groups)
    summaries = []
    for key, members in groups.items():
        model, provider, backend, config = key
        ok = [row for row in members if row.ok]
        errors = [row.error or "" for row in members if not row.ok]
        summary: dict[str, Any] = {
            "model": model,
            "settings": settings.get(key, ""),
            "provider": provider,
            "backend": backend,
            "config_hash": config,
            "device": members[-1].device or "",
            "precision": members[-1].precision or "",
            "runs": len(ok),
            "num_classes": members[-1].num_classes or 2,
            "imbalanced": imbalanced(members[-1]),
            "error": errors[-1] if errors else "",
        }
        for name in HEADERS.keys() - _TEXT:
            values = [getattr(row, name) for row in ok if _number(getattr(row, name))]
            summary[name] = statistics.fmean(values) if values else None
        summary["stopped"] = stopped(ok)
        planned = [row.epochs for row in ok if _number(row.epochs)]
        summary["epochs"] = statistics.fmean(planned) if planned else None
        accuracies = [row.test_accuracy for row in ok if _number(row.test_accuracy)]
        summary["test_accuracy_std"] = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        summaries.append(summary)
    return sorted(summaries, key=lambda s: -(s["test_accuracy"] or -1.0))


def stopped(rows: list[ResultRow]) -> str:
    """Why the runs stopped: ``planned`` (every planned epoch ran), ``early`` (no better
    validation accuracy for ``patience`` epochs), ``early in 2 of 3``; empty where unrecorded."""
    reasons = [row.stopped for row in rows if row.stopped]
    early = reasons.count("early")
    if not reasons or early in (0, len(reasons)):
        return reasons[0] if reasons else ""
    return f"early in {early} of {len(reasons)}"


def imbalanced(row: ResultRow) -> bool:
    """The largest class holds at least ``IMBALANCE`` times an even share of the test split
    (75 % of two classes)."""
    share, classes = row.majority_share, row.num_classes or 2
    return share is not None and share >= IMBALANCE / classes


def group_key(row: ResultRow) -> tuple[str, str, str, str]:
    """What a row is compared as: its model, provider, backend and configuration (the run key,
    which holds every setting but the seed); seeds are averaged."""
    return (row.model or "", row.provider or "", row.backend or "", row.config_hash or "")


def summary_key(summary: dict[str, Any]) -> tuple[str, str, str, str]:
    """The ``group_key`` of the rows ``summary`` averages."""
    return (summary["model"], summary["provider"], summary["backend"], summary["config_hash"])


def settings_labels(
    groups: dict[tuple[str, str, str, str], list[ResultRow]],
) -> dict[tuple[str, str, str, str], str]:
    """For a model recorded under several configurations, what sets each one apart.

    A label lists the settings (result columns, the provider's version and hyperparameters) in
    which a configuration differs from what most of the model's configurations that have the
    setting share, e.g. ``epochs=4, units=128``; the configuration that shares them all gets an
    empty label. Where that does not tell two configurations apart, their labels end with the
    run key.
    """
    by_model: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for key in groups:
        by_model.setdefault((key[0], key[2]), []).append(key)
    labels = {}
    for keys in by_model.values():
        if len(keys) < 2:
            continue
        settings = {key: _settings(groups[key][-1]) for key in keys}
        names = sorted({name for values in settings.values() for name in values})
        chosen: dict[tuple[str, str, str, str], list[str]] = {key: [] for key in keys}
        for name in names:  # a hyperparameter a run predates is not compared
            present = [key for key in keys if name in settings[key]]
            values = [_setting(settings[key][name]) for key in present]
            counts = Counter(values)
            top = max(counts.values())
            usual = [value for value, count in counts.items() if count == top]
            for key, value in zip(present, values, strict=True):
                if len(counts) > 1 and (value not in usual or len(usual) > 1):
                    chosen[key].append(f"{name}={value}")
        text = {key: ", ".join(parts) for key, parts in chosen.items()}
        uses = Counter(text.values())
        for key, label in text.items():
            run_key = f"run key {key[3]}" if uses[label] > 1 else ""
            labels[key] = ", ".join(filter(None, (label, run_key)))
    return labels


def _settings(row: ResultRow) -> dict[str, Any]:
    columns = {name: getattr(row, name) for name in SETTING_COLUMNS}
    return {"provider": row.provider or "", **columns, **row.hparam_values}


def _setting(value: Any) -> str:
    if isinstance(value, dict):  # e.g. an ensemble's weights: the members that have one
        shown = [f"{key}:{_setting(item)}" for key, item in value.items() if item]
        return " ".join(shown) or "-"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and "/" in value:  # a path: its file name
        return PurePath(value).name
    return "-" if value is None else str(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def render(rows: Iterable[ResultRow], fmt: str = "table") -> str:
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


def render_by_data(rows: list[ResultRow], fmt: str = "table") -> str:
    """``render``, one table per data set where ``rows`` span several (each under its dataset
    name), so no row's settings need to say which data it ran on; CSV and JSON stay one."""
    groups: dict[str, list[ResultRow]] = {}
    for row in rows:
        groups.setdefault(row.data_fingerprint or "", []).append(row)
    if len(groups) < 2 or fmt in ("csv", "json"):
        return render(rows, fmt)
    heading = "### {}\n\n" if fmt == "markdown" else "{}:\n"
    return "\n\n".join(
        heading.format(group[0].dataset or fingerprint) + render(group, fmt)
        for fingerprint, group in groups.items()
    )


def _shown(key: str, summaries: list[dict[str, Any]]) -> bool:
    """The error column only when a run failed; why runs stopped where recorded; the provider
    only when one is not keras-zoo; the precision only when one is not float32; macro F1 for
    more than two classes or imbalanced ones; the settings only when a model ran under several."""
    if key in ("error", "settings", "stopped"):
        return any(s[key] for s in summaries)
    if key == "precision":
        return any(s["precision"] not in ("", FLOAT32) for s in summaries)
    if key == "macro_f1":
        return any(
            s["macro_f1"] is not None and (s["num_classes"] > 2 or s["imbalanced"])
            for s in summaries
        )
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
    if key in ("best_val_accuracy", "macro_f1"):
        return f"{value * 100:.2f}"
    if key == "params":
        return f"{int(value):,}"
    if key == "epochs_run":
        text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
        planned = summary.get("epochs")
        return text if planned is None or planned == value else f"{text} of {planned:g}"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)
