"""The benchmark results file: a CSV with a fixed set of columns, rewritten atomically per row."""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path
from typing import Any

from zoo.errors import ResultsFileError
from zoo.paths import check_can_create

COLUMNS = (
    "timestamp",
    "model",
    "provider",
    "seed",
    "config_hash",
    "status",
    "error",
    "params",
    "test_accuracy",
    "best_val_accuracy",
    "epochs_run",
    "train_seconds",
    "first_step_seconds",
    "seconds_per_epoch",
    "train_samples_per_second",
    "inference_samples_per_second",
    "latency_ms",
    "time_to_target_seconds",
    "target_accuracy",
    "dataset",
    "train_size",
    "val_size",
    "test_size",
    "max_tokens",
    "sequence_length",
    "batch_size",
    "epochs",
    "optimizer",
    "learning_rate",
    "precision",
    "embeddings",
    "hparams",
    "backend",
    "keras_version",
    "framework_version",
    "device",
    "command",
)
TEXT_COLUMNS = {
    "timestamp",
    "model",
    "provider",
    "config_hash",
    "status",
    "error",
    "dataset",
    "optimizer",
    "precision",
    "embeddings",
    "hparams",
    "backend",
    "keras_version",
    "framework_version",
    "device",
    "command",
}
NUMERIC = set(COLUMNS) - TEXT_COLUMNS


def read_results(path: Path) -> list[dict[str, Any]]:
    """Rows of an existing results file (none if absent); numbers parsed, blanks as None."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsFileError(f"cannot read results file {path}: {exc}") from exc
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ResultsFileError(
            f"{path} is not a keras-zoo results file (its columns differ); "
            "pass another --results path"
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ResultsFileError(
                f"{path} line {number} is truncated or damaged; fix or remove that line"
            )
        rows.append({key: _parse(key, value) for key, value in row.items()})
    return rows


def _parse(key: str, value: str) -> Any:
    if value == "":
        return None
    if key in NUMERIC:
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() and key not in ("learning_rate",) else number
    return value


def append_result(path: Path, row: dict[str, Any]) -> None:
    """Add ``row``: the whole file is written beside the old one and renamed over it."""
    rows = [*read_results(path), row]
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_rows(partial, rows)
        os.replace(partial, path)
    except OSError as exc:
        raise ResultsFileError(f"cannot write results file {path}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    _remove_orphans(path)


def _remove_orphans(path: Path) -> None:
    """Delete partial files left beside ``path`` by writers that were killed mid-write."""
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):
        pid = orphan.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and not _running(int(pid)):
            orphan.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else, or the platform cannot tell
        return True
    return True


def _write_rows(partial: Path, rows: list[dict[str, Any]]) -> None:
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for item in rows:
            writer.writerow({key: _format(item.get(key)) for key in COLUMNS})
        handle.flush()
        os.fsync(handle.fileno())


def _format(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return value


def check_results_path(path: Path) -> None:
    """Fail early on a results file that is not ours or that cannot be written."""
    read_results(path)
    check_can_create(path, "--results")
    if path.exists() and not os.access(path, os.W_OK):
        raise ResultsFileError(f"cannot write results file {path}; pass a writable --results")
