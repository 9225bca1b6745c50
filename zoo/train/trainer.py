"""The one trainer every architecture shares: compile, fit with early stopping, time, evaluate.

This module imports Keras: import it only once the backend is chosen.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zoo.backend import import_keras, seed_everything
from zoo.data.prepare import PreparedData
from zoo.errors import TrainingError
from zoo.spec import ArchitectureSpec, InputSpec
from zoo.train.adapt import adapt_layers
from zoo.train.buckets import plan_batches
from zoo.train.contract import build_checked, check_compiled_inference
from zoo.train.inputs import INFERENCE_BATCH, batches, predict_probabilities, takes_any_length
from zoo.train.length import EARLY, PLANNED, PRUNED, planned_length
from zoo.train.outputs import macro_f1, predict_labels
from zoo.train.precision import training_precision
from zoo.train.settings import OPTIMIZERS, STALL, TrainSettings

keras = import_keras()

LATENCY_REPEATS = 20


@dataclass
class TrainResult:
    """A trained model with its history and measured metrics."""

    model: Any
    history: dict[str, list[float]]
    metrics: dict[str, Any] = field(default_factory=dict)
    test_probabilities: np.ndarray | None = None  # the model's outputs on the test split
    val_probabilities: np.ndarray | None = None  # and on the validation split


def input_spec_for(data: PreparedData, settings: TrainSettings, matrix=None) -> InputSpec:
    return InputSpec(
        vocab_size=data.vectorizer.vocab_size,
        sequence_length=data.vectorizer.sequence_length,
        num_classes=data.num_classes,
        embedding_matrix=matrix,
        embeddings_trainable=settings.embeddings_trainable,
    )


def compile_model(
    model: Any, settings: TrainSettings, num_classes: int, steps_per_epoch: int = 1
) -> None:
    """Loss for the number of classes; the optimizer with the learning rate and its schedule."""
    optimizer = getattr(keras.optimizers, OPTIMIZERS[settings.optimizer])
    learning_rate: Any = settings.learning_rate
    if settings.schedule == "cosine":  # from the learning rate down to 0 at the last epoch
        learning_rate = keras.optimizers.schedules.CosineDecay(
            settings.learning_rate, decay_steps=max(settings.epochs * steps_per_epoch, 1)
        )
    loss = "binary_crossentropy" if num_classes == 2 else "sparse_categorical_crossentropy"
    model.compile(optimizer=optimizer(learning_rate=learning_rate), loss=loss, metrics=["accuracy"])


def train_model(
    spec: ArchitectureSpec,
    data: PreparedData,
    settings: TrainSettings,
    hparams: dict[str, Any],
    embedding_matrix: np.ndarray | None = None,
    verbose: int | str = "auto",
    stop_below: tuple[float | None, ...] = (),
) -> TrainResult:
    """Build ``spec`` with ``hparams``, train it on ``data`` and measure it on the test split,
    unless ``data`` withholds it.

    ``stop_below``: a tune trial stops (``pruned``) after an epoch whose best validation
    accuracy so far is below the value given for that epoch (None: no bar).
    """
    settings = planned_length(settings, len(data.x_train))
    seed_everything(settings.seed)
    with training_precision(settings.precision, spec.name) as policy:
        input_spec = input_spec_for(data, settings, embedding_matrix)
        model = build_checked(spec, input_spec, hparams, data.x_train)
        clock = _Clock(settings.target_accuracy)
        adapt_start = time.perf_counter()
        adapt_layers(model, data.x_train, data.y_train)
        clock.adapt_seconds = time.perf_counter() - adapt_start
        pruner = _Pruner(stop_below)
        callbacks: list[Any] = [clock, pruner]
        stopping = None
        if settings.patience:
            stopping = _EarlyStopping(settings.patience, settings.stop_on)
            callbacks.append(stopping)
        bucketed = settings.bucketing and takes_any_length(model)
        train_batches = batches(
            data.x_train, data.y_train, settings.batch_size, settings.seed, bucketed
        )
        compile_model(model, settings, data.num_classes, len(train_batches))
        history = model.fit(
            train_batches,
            shuffle=False,  # the plan shuffles itself
            validation_data=batches(data.x_val, data.y_val, INFERENCE_BATCH, bucketed=bucketed),
            epochs=settings.epochs,
            callbacks=callbacks,
            verbose=verbose,
        ).history
        if clock.nan_epoch is not None:
            raise TrainingError(
                f"'{spec.name}': the loss became NaN in epoch {clock.nan_epoch}; "
                "lower the learning rate or use float32 precision"
            )
        history = {k: [float(v) for v in vs] for k, vs in history.items()}
        metrics = {
            "params": int(model.count_params()),
            "precision": policy,  # what "auto" became on this device
            **clock.summary(len(data.x_train), settings.batch_size),
            **stop_reason(stopping, len(history["loss"]), settings.epochs),
        }
        if pruner.pruned:
            return TrainResult(model, history, {**metrics, "stopped": PRUNED})
        check_compiled_inference(model, spec.name, data.x_train)
        if data.x_test is None:
            return TrainResult(model, history, metrics)
        inference, probabilities = measure_inference(model, data)
        metrics.update(inference)
        validation = predict_probabilities(model, data.x_val)  # what an ensemble is fitted on
        return TrainResult(model, history, metrics, probabilities, validation)


def stop_reason(stopping: Any, epochs_run: int, planned: int) -> dict[str, Any]:
    """Why training stopped (``early``: no progress on validation for ``patience`` epochs;
    ``planned``: every planned epoch ran) and the epoch whose weights the model kept."""
    if stopping is None:
        return {"stopped": PLANNED, "best_epoch": epochs_run}
    early = stopping.stopped and epochs_run < planned
    return {"stopped": EARLY if early else PLANNED, "best_epoch": stopping.best_epoch}


def measure_inference(model: Any, data: PreparedData) -> tuple[dict[str, float], np.ndarray]:
    """Test accuracy, throughput after a warm-up pass, the median single-review latency; and
    the test outputs they were measured on."""
    predict_probabilities(model, data.x_test[:INFERENCE_BATCH])
    start = time.perf_counter()
    probabilities = predict_probabilities(model, data.x_test)
    elapsed = time.perf_counter() - start
    predicted = predict_labels(probabilities)
    accuracy = float((predicted == data.y_test).mean())
    one = data.x_test[:1]
    if takes_any_length(model):
        one = plan_batches(one, 1)[0].cut(one)
    model.predict_on_batch(one)
    latencies = []
    for _ in range(LATENCY_REPEATS):
        tick = time.perf_counter()
        model.predict_on_batch(one)
        latencies.append(time.perf_counter() - tick)
    metrics = {
        "test_accuracy": accuracy,
        "macro_f1": macro_f1(data.y_test, predicted),
        "inference_samples_per_second": len(data.x_test) / elapsed if elapsed else math.nan,
        "latency_ms": 1000 * float(np.median(latencies)),
    }
    return metrics, probabilities


class _EarlyStopping(keras.callbacks.Callback):
    """Stops after ``patience`` epochs without progress and keeps the weights of the epoch with
    the best validation accuracy (of equal ones, the lowest validation loss; with ``accuracy``,
    the first).

    Progress (``stop_on``): ``stall``, a better validation accuracy or loss: a model whose
    accuracy has not moved yet while its loss falls (a slow start) keeps training;
    ``accuracy``, a better validation accuracy alone (Keras's ``EarlyStopping`` on
    ``val_accuracy``, as the course notebook).
    """

    def __init__(self, patience: int, stop_on: str) -> None:
        super().__init__()
        self.patience, self.stop_on = patience, stop_on

    def on_train_begin(self, logs=None):
        self.best = (-math.inf, -math.inf)  # (accuracy, -loss) of the kept epoch
        self.best_accuracy, self.best_loss = -math.inf, math.inf
        self.best_epoch, self.weights, self.waited, self.stopped = 0, None, 0, False

    def on_epoch_end(self, epoch, logs=None):
        accuracy = float((logs or {}).get("val_accuracy", -math.inf))
        loss = float((logs or {}).get("val_loss", math.inf))
        key = (accuracy, -loss) if self.stop_on == STALL else (accuracy, -math.inf)
        if key > self.best:  # with accuracy alone, the first of equal epochs (as Keras)
            self.best, self.best_epoch = key, epoch + 1
            self.weights = self.model.get_weights()
        progress = accuracy > self.best_accuracy
        progress |= self.stop_on == STALL and loss < self.best_loss
        self.best_accuracy = max(self.best_accuracy, accuracy)
        self.best_loss = min(self.best_loss, loss)
        self.waited = 0 if progress else self.waited + 1
        if self.waited >= self.patience:
            self.stopped = self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.weights is not None:
            self.model.set_weights(self.weights)


class _Pruner(keras.callbacks.Callback):
    """Stops training after an epoch whose best validation accuracy so far is below that
    epoch's bar (``stop_below[epoch]``): a tune trial doing worse than the others did."""

    def __init__(self, stop_below: tuple[float | None, ...]) -> None:
        super().__init__()
        self.stop_below = stop_below
        self.best = -math.inf
        self.pruned = False

    def on_epoch_end(self, epoch, logs=None):
        self.best = max(self.best, float((logs or {}).get("val_accuracy", -math.inf)))
        bar = self.stop_below[epoch] if epoch < len(self.stop_below) else None
        if bar is not None and self.best < bar:
            self.pruned = True
            self.model.stop_training = True


class _Clock(keras.callbacks.Callback):
    """Times compile plus first step apart from steady training; watches NaN and the target."""

    def __init__(self, target: float | None) -> None:
        super().__init__()
        self.target = target
        self.start = self.first_step_end = self.end = 0.0
        self.adapt_seconds = 0.0  # adapting layers on the training split, before fit
        self.epoch_ends: list[float] = []
        self.val_accuracy: list[float] = []
        self.time_to_target: float | None = None
        self.nan_epoch: int | None = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if not self.first_step_end:
            self.first_step_end = time.perf_counter()
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.nan_epoch = len(self.epoch_ends) + 1
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.epoch_ends.append(now)
        accuracy = float((logs or {}).get("val_accuracy", math.nan))
        self.val_accuracy.append(accuracy)
        reached = self.target is not None and accuracy >= self.target
        if reached and self.time_to_target is None:
            self.time_to_target = self.adapt_seconds + now - self.start

    def on_train_end(self, logs=None):
        self.end = time.perf_counter()

    def summary(self, train_size: int, batch_size: int) -> dict[str, Any]:
        epochs = len(self.epoch_ends)
        steady = self.end - self.first_step_end
        steady_samples = max(epochs * train_size - batch_size, 0)
        return {
            "epochs_run": epochs,
            "best_val_accuracy": max(self.val_accuracy, default=math.nan),
            "train_seconds": self.adapt_seconds + self.end - self.start,
            "first_step_seconds": self.adapt_seconds + self.first_step_end - self.start,
            "seconds_per_epoch": steady / epochs if epochs else math.nan,
            "train_samples_per_second": steady_samples / steady if steady > 0 else math.nan,
            "time_to_target_seconds": self.time_to_target,
        }
