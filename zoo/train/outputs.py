"""From model outputs to class ids and confidences. NumPy only: no Keras import."""

from __future__ import annotations

import numpy as np


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
