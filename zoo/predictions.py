"""From model outputs to class ids and confidences. NumPy only: no Keras import."""

from __future__ import annotations

import numpy as np


def predict_labels(probabilities: np.ndarray) -> np.ndarray:
    """Class ids from model outputs (one sigmoid unit, or one softmax unit per class)."""
    if probabilities.shape[-1] == 1:
        return (probabilities[:, 0] >= 0.5).astype(np.int32)
    return probabilities.argmax(axis=-1).astype(np.int32)


def confidences(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The probability the model gave to each predicted label."""
    if probabilities.shape[-1] == 1:
        positive = probabilities[:, 0]
        return np.where(labels == 1, positive, 1.0 - positive)
    return probabilities[np.arange(len(labels)), labels]
