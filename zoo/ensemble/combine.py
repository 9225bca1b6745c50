"""Combining the outputs of several runs into one classifier, fitted on the validation split.

Every method takes the members' validation outputs and labels and their test outputs, and
returns the combined test outputs and what it fitted: the test labels never enter a fit.

- ``mean``: the average of the members' class probabilities;
- ``weighted``: Caruana et al. (2004) greedy forward selection with replacement: starting
  empty, add the member whose addition gives the averaged ensemble the best validation
  accuracy (ties: the lower validation log-loss), ``SELECTION_STEPS`` times; a member's weight
  is how often it was added, so members that do not help get none;
- ``stacked``: a logistic regression (L2-regularised, fitted by gradient descent) on the
  members' validation probabilities.

A fit's own validation examples would flatter it, so the validation outputs it reports are
held out: each example combined by a fit made without it (``held_out``); ``choose_method``
picks the method whose held-out validation accuracy is best.

NumPy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from zoo.ensemble import METHODS

SELECTION_STEPS = 25
STACKER_STEPS = 2000
STACKER_RATE = 0.5
STACKER_L2 = 1e-3
EPSILON = 1e-7
HELD_OUT_FOLDS = 5


@dataclass
class Combination:
    """The combined test outputs, its held-out validation outputs, and what was fitted."""

    test: np.ndarray
    validation: np.ndarray
    weights: list[float] = field(default_factory=list)  # per member (mean, weighted)


@dataclass
class Combiner:
    """A fitted combination: a weight per member (mean, weighted) or a stacker (stacked)."""

    method: str
    weights: list[float] = field(default_factory=list)
    stacker: Stacker | None = None

    def apply(self, outputs: list[np.ndarray]) -> np.ndarray:
        """The combined class probabilities of the members' ``outputs`` (in fitting order)."""
        outputs = [as_classes(member) for member in outputs]
        if self.stacker is not None:
            return self.stacker.predict(np.hstack(outputs))
        return _average(outputs, np.asarray(self.weights))

    def to_dict(self) -> dict:
        """As JSON-ready values; ``from_dict`` reads them back."""
        fitted = None
        if self.stacker is not None:
            fitted = {"weights": self.stacker.weights.tolist(), "bias": self.stacker.bias.tolist()}
        return {"method": self.method, "weights": self.weights, "stacker": fitted}

    @classmethod
    def from_dict(cls, values: dict) -> Combiner:
        fitted = values.get("stacker")
        stacker = None
        if fitted:
            stacker = Stacker(np.asarray(fitted["weights"]), np.asarray(fitted["bias"]))
        return cls(values["method"], [float(w) for w in values.get("weights") or []], stacker)


def as_classes(outputs: np.ndarray) -> np.ndarray:
    """Outputs as one probability per class: a sigmoid's column becomes two."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    return np.hstack([1.0 - outputs, outputs]) if outputs.shape[1] == 1 else outputs


def fit(method: str, validation: list[np.ndarray], validation_labels: np.ndarray) -> Combiner:
    """Fit ``method`` on the members' ``validation`` outputs (one array per member)."""
    validation = [as_classes(outputs) for outputs in validation]
    labels = np.asarray(validation_labels)
    if method == "mean":
        return Combiner(method, [1.0 / len(validation)] * len(validation))
    if method == "weighted":
        return Combiner(method, [float(w) for w in greedy_weights(validation, labels)])
    if method == "stacked":
        classes = validation[0].shape[1]
        return Combiner(method, stacker=Stacker.fit(np.hstack(validation), labels, classes))
    raise ValueError(f"unknown method {method!r}")


def combine(
    method: str,
    validation: list[np.ndarray],
    validation_labels: np.ndarray,
    test: list[np.ndarray],
) -> Combination:
    """Fit ``method`` on the members' ``validation`` outputs and apply it to their ``test``
    outputs (one array per member, in the same order)."""
    combiner = fit(method, validation, validation_labels)
    held = held_out(method, validation, validation_labels)
    return Combination(combiner.apply(test), held, combiner.weights)


def held_out(
    method: str, validation: list[np.ndarray], validation_labels: np.ndarray
) -> np.ndarray:
    """The combined validation outputs, each example's from a fit made on the other
    ``HELD_OUT_FOLDS`` - 1 folds (one fixed shuffle): their accuracy estimates the ensemble's on
    unseen texts, where scoring a fit on its own examples flatters it. ``mean`` fits nothing."""
    labels = np.asarray(validation_labels)
    if method == "mean" or len(labels) < HELD_OUT_FOLDS:
        return fit(method, validation, labels).apply(validation)
    outputs = np.zeros((len(labels), as_classes(validation[0]).shape[1]))
    shuffled = np.random.default_rng(0).permutation(len(labels))
    for held in np.array_split(shuffled, HELD_OUT_FOLDS):
        kept = np.setdiff1d(shuffled, held)
        fitted = fit(method, [member[kept] for member in validation], labels[kept])
        outputs[held] = fitted.apply([member[held] for member in validation])
    return outputs


def choose_method(
    validation_sets: Sequence[tuple[list[np.ndarray], np.ndarray]],
) -> tuple[str, dict[str, float]]:
    """The method of ``METHODS`` with the best held-out validation accuracy, averaged over
    ``validation_sets`` (the members' validation outputs and the labels, one set per seed), and
    each method's accuracy; a tie goes to the simpler method (``mean``, then ``weighted``)."""
    scores = {}
    for method in METHODS:
        accuracies = [
            np.mean(held_out(method, outputs, labels).argmax(axis=1) == np.asarray(labels))
            for outputs, labels in validation_sets
        ]
        scores[method] = float(np.mean(accuracies))
    best = max(scores.values())
    return next(method for method in METHODS if scores[method] == best), scores


def describe_choice(method: str, scores: dict[str, float]) -> str:
    """``stacked, chosen on held-out validation accuracy: mean 92.15 %, weighted 92.97 %, ...``"""
    measured = ", ".join(f"{name} {score * 100:.2f} %" for name, score in scores.items())
    return f"{method}, chosen on held-out validation accuracy: {measured}"


def greedy_weights(validation: list[np.ndarray], labels: np.ndarray) -> np.ndarray:
    """Caruana et al.'s selection with replacement on validation accuracy; the weights."""
    counts = np.zeros(len(validation))
    total = np.zeros_like(validation[0])
    for _ in range(SELECTION_STEPS):
        scores = []
        for member, outputs in enumerate(validation):
            trial = (total + outputs) / (counts.sum() + 1)
            accuracy = float(np.mean(trial.argmax(axis=1) == labels))
            scores.append((accuracy, -_log_loss(trial, labels), -member))
        best = -max(scores)[2]
        counts[best] += 1
        total += validation[best]
    return counts / counts.sum()


def _average(outputs: list[np.ndarray], weights: np.ndarray) -> np.ndarray:
    return sum(weight * member for weight, member in zip(weights, outputs, strict=True))


def _log_loss(probabilities: np.ndarray, labels: np.ndarray) -> float:
    picked = probabilities[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(picked, EPSILON, 1.0))))


@dataclass
class Stacker:
    """A multinomial logistic regression on the members' probabilities."""

    weights: np.ndarray
    bias: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray, labels: np.ndarray, classes: int) -> Stacker:
        targets = np.eye(classes)[labels]
        weights = np.zeros((features.shape[1], classes))
        bias = np.zeros(classes)
        for _ in range(STACKER_STEPS):
            error = _softmax(features @ weights + bias) - targets
            weights -= STACKER_RATE * (features.T @ error / len(labels) + STACKER_L2 * weights)
            bias -= STACKER_RATE * error.mean(axis=0)
        return cls(weights, bias)

    def predict(self, features: np.ndarray) -> np.ndarray:
        return _softmax(features @ self.weights + self.bias)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
