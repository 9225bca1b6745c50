"""What each bench run keeps beside the results file: its ``RunLog`` (test and validation
outputs, per-epoch history).

One ``.npz`` per row, in ``<results file>.runs/``, named after the row's model, key, seed and
backend. It is written before the row, so a row always finds its file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from zoo.train.outputs import RunLog, load_log, save_log

if TYPE_CHECKING:
    from zoo.bench.row import ResultRow


def runs_folder(results_path: Path) -> Path:
    return results_path.with_name(results_path.name + ".runs")


def log_path(results_path: Path, row: ResultRow) -> Path:
    name = f"{row.model}-{row.config_hash}-seed{row.seed}-{row.backend}.npz"
    return runs_folder(results_path) / name


def write_log(results_path: Path, row: ResultRow, log: RunLog) -> None:
    """Store ``log`` for ``row``, atomically; a failure to write costs the report, not the run."""
    path = log_path(results_path, row)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_log(path, log)
    except OSError:
        pass


def read_log(results_path: Path, row: ResultRow) -> RunLog | None:
    """The stored log of ``row``, or None when it has none (an older or failed run)."""
    return load_log(log_path(results_path, row))
