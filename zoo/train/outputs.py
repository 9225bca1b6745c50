"""A run's outputs: to class ids and confidences, and kept in a file (``RunLog``). NumPy only:
no Keras import."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo.paths import staged

VALIDATION = ("val_probabilities", "val_labels")


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

    def scored_alike(self, other: RunLog) -> bool:
        """Whether ``other`` was scored on the same test and validation labels (the same
        examples, as far as the labels tell)."""
        same_test = np.array_equal(self.labels, other.labels)
        return same_test and np.array_equal(self.val_labels, other.val_labels)


def save_log(path: Path, log: RunLog) -> None:
    """Write ``log`` to the ``.npz`` file ``path`` atomically: plain arrays and JSON strings,
    so loading never unpickles. Raises ``OSError``."""
    validation = {}
    if log.val_probabilities is not None and log.val_labels is not None:
        validation = {
            "val_probabilities": np.asarray(log.val_probabilities, dtype=np.float32),
            "val_labels": np.asarray(log.val_labels, dtype=np.int32),
        }
    with staged(path) as partial, open(partial, "wb") as handle:
        np.savez_compressed(
            handle,
            probabilities=np.asarray(log.probabilities, dtype=np.float32),
            labels=np.asarray(log.labels, dtype=np.int32),
            history=np.array(json.dumps(log.history)),
            class_names=np.array(json.dumps(log.class_names)),
            **validation,
        )


def load_log(path: Path) -> RunLog | None:
    """The log in ``path``, or None when there is none or it cannot be read."""
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


def predict_labels(probabilities: np.ndarray) -> np.ndarray:
    """Class ids from model outputs (one sigmoid unit, or one softmax unit per class)."""
    if probabilities.shape[-1] == 1:
        return (probabilities[:, 0] >= 0.5).astype(np.int32)
    return probabilities.argmax(axis=-1).astype(np.int32)


def macro_f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    """The mean of each class's F1 score over the classes in ``labels`` or ``predicted`` (as
    scikit-learn's ``f1_score(average="macro")``)."""
    scores = []
    for label in np.union1d(labels, predicted):
        true_positive = np.sum((predicted == label) & (labels == label))
        missed_or_wrong = np.sum((predicted == label) != (labels == label))  # FN + FP
        scores.append(2 * true_positive / (2 * true_positive + missed_or_wrong or 1))
    return float(np.mean(scores))


def confidences(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The probability the model gave to each predicted label."""
    if probabilities.shape[-1] == 1:
        positive = probabilities[:, 0]
        return np.where(labels == 1, positive, 1.0 - positive)
    return probabilities[np.arange(len(labels)), labels]


def improbable_values(outputs: np.ndarray, tolerance: float) -> np.ndarray | None:
    """None when ``outputs`` are class probabilities: every value in [0, 1] and, over several
    classes, each row summing to 1 within ``tolerance``. Else the values outside [0, 1] (empty
    when only the sums are off)."""
    outputs = np.asarray(outputs, dtype=np.float64)
    outside = outputs[(outputs < 0) | (outputs > 1) | ~np.isfinite(outputs)]
    sums_off = outputs.shape[-1] > 1 and not np.allclose(
        outputs.sum(axis=-1), 1.0, rtol=0, atol=tolerance
    )
    return outside if outside.size or sums_off else None
