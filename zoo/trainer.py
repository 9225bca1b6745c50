"""The one trainer every architecture shares: compile, fit with early stopping, time, evaluate.

This module imports Keras: import it only once the backend is chosen.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zoo.adapt import adapt_layers
from zoo.backend import dtype_policy, import_keras, seed_everything
from zoo.batching import plan_batches
from zoo.config import FLOAT32, OPTIMIZERS, TrainSettings
from zoo.data.prepare import PreparedData
from zoo.errors import PluginError, TrainingError, ZooError, one_line
from zoo.feeding import INFERENCE_BATCH, batches, predict_outputs, trace_inference
from zoo.predictions import improbable_values, predict_labels
from zoo.spec import ArchitectureSpec, InputSpec

keras = import_keras()

LATENCY_REPEATS = 20
PROBE_ROWS = 8  # training texts the untrained model is checked on
AGREEMENT_ROWS = 64  # texts of a fixed-length model on which compiled and eager inference agree
AGREEMENT_TOLERANCE = 0.05  # in probability: rounding stays far below it, broken inference above


@dataclass
class TrainResult:
    """A trained model with its history and measured metrics."""

    model: Any
    history: dict[str, list[float]]
    metrics: dict[str, Any] = field(default_factory=dict)
    test_probabilities: np.ndarray | None = None  # the model's outputs on the test split


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
) -> TrainResult:
    """Build ``spec`` with ``hparams``, train it on ``data`` and measure it on the test split."""

    seed_everything(settings.seed)
    previous_policy = keras.mixed_precision.global_policy().name
    policy = dtype_policy(settings.precision)
    keras.mixed_precision.set_global_policy(policy)
    try:
        input_spec = input_spec_for(data, settings, embedding_matrix)
        model = _build(spec, input_spec, hparams)
        _check_output(model, spec.name, input_spec)
        _check_probabilities(model, spec.name, data.x_train[:PROBE_ROWS])
        if embedding_matrix is not None:
            _check_embeddings(model, spec.name, embedding_matrix, settings.embeddings_trainable)
        clock = _Clock(settings.target_accuracy)
        adapt_start = time.perf_counter()
        adapt_layers(model, data.x_train, data.y_train)
        clock.adapt_seconds = time.perf_counter() - adapt_start
        callbacks: list[Any] = [clock]
        if settings.patience:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_accuracy",
                    mode="max",
                    patience=settings.patience,
                    restore_best_weights=True,
                )
            )
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
        _check_compiled_inference(model, spec.name, data.x_train)
        inference, probabilities = measure_inference(model, data)
        metrics = {
            "params": int(model.count_params()),
            "precision": policy,  # what "auto" became on this device
            **clock.summary(len(data.x_train), settings.batch_size),
            **inference,
        }
        history = {k: [float(v) for v in vs] for k, vs in history.items()}
        return TrainResult(model, history, metrics, probabilities)
    except ZooError:
        raise
    except Exception as exc:
        if policy == FLOAT32:
            raise
        raise TrainingError(  # e.g. oneDNN without bfloat16 convolutions on an AVX2 CPU
            f"'{spec.name}' failed computing in {policy} ({one_line(exc)}); this device may "
            "not support it: run it with --precision float32 (or auto)"
        ) from exc
    finally:
        keras.mixed_precision.set_global_policy(previous_policy)


def _build(spec: ArchitectureSpec, input_spec: InputSpec, hparams: dict[str, Any]) -> Any:
    """Call the plugin's builder; its failure names the plugin instead of looking like ours."""
    try:
        return spec.builder(input_spec, **hparams)
    except ZooError:
        raise
    except Exception as exc:  # a plugin's builder may fail in any way
        provider = spec.provider_label or "its plugin"
        raise PluginError(
            f"architecture '{spec.name}' ({provider}) failed to build: {one_line(exc)}; "
            f"check its hyperparameters with 'zoo info {spec.name}' or report it to its author"
        ) from exc


def _check_output(model: Any, name: str, input_spec: InputSpec) -> None:
    expected = input_spec.output_units
    shape = tuple(model.output_shape)
    if len(shape) != 2 or shape[-1] != expected:
        raise TrainingError(
            f"architecture '{name}' returns outputs of shape {shape}, expected (None, {expected}) "
            f"for {input_spec.num_classes} classes; fix the plugin's builder"
        )


def _check_probabilities(model: Any, name: str, x: np.ndarray) -> None:
    """The model's outputs must be probabilities: in [0, 1], summing to 1 over classes.

    Fed as every later inference is (:func:`predict_probabilities`), so TensorFlow traces the
    model's predict function once, for batches of any size and width, and not again for each
    new shape (which it warns about on stderr once a few models have done it).
    """
    outside = improbable_values(predict_probabilities(model, x), tolerance=1e-3)
    if outside is not None:
        example = f" (e.g. {outside.flat[0]:.3g})" if outside.size else ""
        raise TrainingError(
            f"architecture '{name}' returns values outside [0, 1] or not summing to 1"
            f"{example}: end it in a sigmoid (2 classes) or a softmax, as "
            "zoo.blocks.classifier_head does; fix the plugin's builder"
        )


def _check_embeddings(model: Any, name: str, matrix: np.ndarray, trainable: bool) -> None:
    """The pretrained matrix must be a weight of the model, frozen when asked: else the row
    would claim pretrained vectors the model never used."""
    for weight in model.trainable_weights + model.non_trainable_weights:
        if tuple(weight.shape) == matrix.shape and np.allclose(np.asarray(weight), matrix):
            if weight.trainable and not trainable:
                raise TrainingError(
                    f"architecture '{name}' trains the pretrained embeddings although "
                    "--freeze-embeddings was given; its builder must pass "
                    "input_spec.embeddings_trainable on (zoo.blocks.embed does)"
                )
            return
    raise TrainingError(
        f"architecture '{name}' ignores the pretrained embeddings: no weight of its model holds "
        "them; its builder must use input_spec.embedding_matrix (zoo.blocks.embed does)"
    )


def _check_compiled_inference(model: Any, name: str, x: np.ndarray) -> None:
    """The compiled function that ``evaluate`` and ``predict`` run must give the eager forward
    pass's outputs. On jax with a GPU (Keras 3.15.1, jax 0.11.2) the recurrent models trained to
    96 % training accuracy while every validation and test output sat near 0.5: without this
    check that is a row at chance that looks like a result."""
    tokens = _agreement_batch(model, x)
    trace_inference(model, tokens.dtype)
    compiled = np.asarray(model.predict_on_batch(tokens), dtype=np.float64)
    eager = np.asarray(keras.ops.convert_to_numpy(model(tokens, training=False)), np.float64)
    difference = float(np.max(np.abs(compiled - eager), initial=0.0))
    if not difference <= AGREEMENT_TOLERANCE:  # NaN fails too
        raise TrainingError(
            f"'{name}': the compiled inference that evaluate and predict run disagrees with the "
            f"model's eager forward pass on the same training texts (outputs differ by up to "
            f"{difference:.2f}), so its accuracy would be wrong: a bug of the "
            f"{keras.backend.backend()} backend or of one of the model's layers; try another "
            "--backend, or report it to the architecture's author"
        )


def _agreement_batch(model: Any, x: np.ndarray) -> np.ndarray:
    """Training texts shaped as inference batches are: the largest bucket of the first
    ``INFERENCE_BATCH`` texts, cut to its width, when the model takes any length."""
    sample = x[:INFERENCE_BATCH]
    if not takes_any_length(model):
        return sample[:AGREEMENT_ROWS]
    batch = max(plan_batches(sample, INFERENCE_BATCH), key=lambda batch: len(batch.rows))
    return batch.cut(sample)


def takes_any_length(model: Any) -> bool:
    """Whether the model's token input has no fixed length, so batches may be cut shorter."""
    shape = model.input_shape
    return isinstance(shape, tuple) and len(shape) == 2 and shape[1] is None


def predict_probabilities(model: Any, x: np.ndarray, batch_size: int = 0) -> np.ndarray:
    """Model outputs for ``x`` in its row order; length-bucketed when the model allows it."""
    return predict_outputs(model, x, batch_size or INFERENCE_BATCH, takes_any_length(model))


def measure_inference(model: Any, data: PreparedData) -> tuple[dict[str, float], np.ndarray]:
    """Test accuracy, throughput after a warm-up pass, the median single-review latency; and
    the test outputs they were measured on."""
    predict_probabilities(model, data.x_test[:INFERENCE_BATCH])
    start = time.perf_counter()
    probabilities = predict_probabilities(model, data.x_test)
    elapsed = time.perf_counter() - start
    accuracy = float((predict_labels(probabilities) == data.y_test).mean())
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
        "inference_samples_per_second": len(data.x_test) / elapsed if elapsed else math.nan,
        "latency_ms": 1000 * float(np.median(latencies)),
    }
    return metrics, probabilities


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
