"""Batches as each backend's Keras takes them, for training and for inference.

TensorFlow gets a ``tf.data.Dataset`` with autotuning off: TensorFlow 2.21 finishes deleting
an autotuned iterator only when the iterator's tuning thread next wakes up, up to a minute
later, and Keras deletes one at the end of every epoch and of every ``evaluate`` or
``predict``; those stalls landed in the rows' epoch times. Arrays handed to Keras get such an
iterator too, so every batch the trainer feeds goes through here. jax and torch get a
``PyDataset``. This module imports Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from zoo.backend import import_keras
from zoo.train.buckets import Batch, plan_batches

keras = import_keras()


INFERENCE_BATCH = 256  # texts per batch wherever a model only predicts


def batches(
    x: np.ndarray,
    y: np.ndarray | None,
    batch_size: int,
    seed: int | None = None,
    bucketed: bool = True,
) -> Any:
    """The batches :func:`zoo.train.buckets.plan_batches` plans, reshuffled each epoch when ``seed``
    is given; ``(tokens,)`` or ``(tokens, labels)`` each."""
    fixed_plan = plan_batches(x, batch_size, bucketed=bucketed)  # every epoch's without a seed
    if seed is None:
        return _feed(x, y, len(fixed_plan), lambda: fixed_plan)
    rng = np.random.default_rng(seed)
    return _feed(x, y, len(fixed_plan), lambda: plan_batches(x, batch_size, rng, bucketed))


def predict_outputs(model: Any, x: np.ndarray, batch_size: int, bucketed: bool) -> np.ndarray:
    """``model``'s outputs for ``x``, in its row order."""
    if not len(x):
        return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    trace_inference(model, x.dtype)
    plan = plan_batches(x, batch_size, bucketed=bucketed)
    outputs = np.asarray(model.predict(_feed(x, None, len(plan), lambda: plan), verbose=0))
    restored = np.empty_like(outputs)
    restored[np.concatenate([batch.rows for batch in plan])] = outputs
    return restored


def trace_inference(model: Any, dtype: np.dtype) -> None:
    """On TensorFlow, trace ``model``'s predict function once for token batches of any size and
    width, before it runs.

    Keras's ``predict`` and ``predict_on_batch`` hand the function eager tensors of concrete
    shapes, so it would trace again for each new batch size, then each new width, as length
    buckets and a last short batch feed it; TensorFlow warns on stderr once a few models in a
    process have done so. A function compiled for any shape serves them all.
    """
    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    model.make_predict_function()
    function = model.predict_function
    if hasattr(function, "get_concrete_function"):  # not when the model runs eagerly
        function.get_concrete_function([(tf.TensorSpec((None, None), tf.as_dtype(dtype)),)])


def _feed(
    x: np.ndarray, y: np.ndarray | None, count: int, plan_epoch: Callable[[], list[Batch]]
) -> Any:
    """A dataset of ``count`` batches a pass, as ``plan_epoch`` plans them for each pass."""

    def generate():
        for batch in plan_epoch():
            tokens = batch.cut(x)
            yield (tokens,) if y is None else (tokens, y[batch.rows])

    if keras.backend.backend() != "tensorflow":
        return _Batches(generate, count)
    import tensorflow as tf

    spec = [tf.TensorSpec((None, None), tf.as_dtype(x.dtype))]
    if y is not None:
        spec.append(tf.TensorSpec((None,), tf.as_dtype(y.dtype)))
    options = tf.data.Options()
    options.autotune.enabled = False
    return (
        tf.data.Dataset.from_generator(generate, output_signature=tuple(spec))
        .apply(tf.data.experimental.assert_cardinality(count))
        .with_options(options)
    )


class _Batches(keras.utils.PyDataset):
    """A ``PyDataset`` over a batch generator, planned anew each epoch."""

    def __init__(self, make: Any, count: int) -> None:
        super().__init__()
        self.make, self.count = make, count
        self.current = list(make())

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Any:
        return self.current[index]

    def on_epoch_end(self) -> None:
        self.current = list(self.make())


def takes_any_length(model: Any) -> bool:
    """Whether the model's token input has no fixed length, so batches may be cut shorter."""
    shape = model.input_shape
    return isinstance(shape, tuple) and len(shape) == 2 and shape[1] is None


def predict_probabilities(model: Any, x: np.ndarray, batch_size: int = 0) -> np.ndarray:
    """Model outputs for ``x`` in its row order; length-bucketed when the model allows it."""
    return predict_outputs(model, x, batch_size or INFERENCE_BATCH, takes_any_length(model))
