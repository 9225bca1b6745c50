"""What each bench run keeps beside the results file: test predictions and per-epoch history.

One ``.npz`` per row, in ``<results file>.runs/``, named after the row's model, key, seed and
backend. It is written before the row, so a row always finds its file. Plain arrays and a JSON
string: loading never unpickles. NumPy only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from zoo.paths import staged
from zoo.train.outputs import predict_labels

if TYPE_CHECKING:
    from zoo.bench.row import ResultRow


@dataclass
class RunLog:
    """A run's test-set outputs, the true labels, its history (metric → value per epoch), the
    names of its classes, and its outputs on the validation split with their labels (what an
    ensemble is fitted on). Logs written before a field was kept have it empty or None."""

    probabilities: np.ndarray
    labels: np.ndarray
    history: dict[str, list[float]]
    class_names: list[str] = field(default_factory=list)
    val_probabilities: np.ndarray | None = None
    val_labels: np.ndarray | None = None

    @property
    def correct(self) -> np.ndarray:
        """Per test example: whether the run predicted its label."""
        return predict_labels(self.probabilities) == self.labels


VALIDATION = ("val_probabilities", "val_labels")


def _validation(log: RunLog) -> dict[str, np.ndarray]:
    if log.val_probabilities is None or log.val_labels is None:
        return {}
    return {
        "val_probabilities": np.asarray(log.val_probabilities, dtype=np.float32),
        "val_labels": np.asarray(log.val_labels, dtype=np.int32),
    }


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
        with staged(path) as partial, open(partial, "wb") as handle:
            np.savez_compressed(
                handle,
                probabilities=np.asarray(log.probabilities, dtype=np.float32),
                labels=np.asarray(log.labels, dtype=np.int32),
                history=np.array(json.dumps(log.history)),
                class_names=np.array(json.dumps(log.class_names)),
                **_validation(log),
            )
    except OSError:
        pass


def read_log(results_path: Path, row: ResultRow) -> RunLog | None:
    """The stored log of ``row``, or None when it has none (an older or failed run)."""
    path = log_path(results_path, row)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            names = json.loads(str(data["class_names"])) if "class_names" in data else []
            history = json.loads(str(data["history"]))
            validation = [data.get(key) for key in VALIDATION]
            return RunLog(data["probabilities"], data["labels"], history, names, *validation)
    except (OSError, ValueError, KeyError):
        return None
