"""Batches as each backend's Keras takes them, for training and for inference.

TensorFlow gets a ``tf.data.Dataset`` with autotuning off: TensorFlow 2.21 finishes deleting
an autotuned iterator only when the iterator's tuning thread next wakes up, up to a minute
later, and Keras deletes one at the end of every epoch and of every ``evaluate`` or
``predict``; those stalls landed in the rows' epoch times. Arrays handed to Keras get such an
iterator too, so every batch the trainer feeds goes through here. jax and torch get a
``PyDataset``. This module imports Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.backend import import_keras
from zoo.batching import plan_batches

keras = import_keras()


def batches(
    x: np.ndarray,
    y: np.ndarray | None,
    batch_size: int,
    seed: int | None = None,
    bucketed: bool = True,
) -> Any:
    """The batches :func:`zoo.batching.plan_batches` plans, reshuffled each epoch when ``seed``
    is given; ``(tokens,)`` or ``(tokens, labels)`` each."""
    rng = None if seed is None else np.random.default_rng(seed)
    fixed_plan = plan_batches(x, batch_size, bucketed=bucketed)  # the plan itself without rng

    def generate():
        plan = fixed_plan if rng is None else plan_batches(x, batch_size, rng, bucketed)
        for batch in plan:
            tokens = batch.cut(x)
            yield (tokens,) if y is None else (tokens, y[batch.rows])

    if keras.backend.backend() != "tensorflow":
        return _Batches(generate, len(fixed_plan))
    import tensorflow as tf

    spec = [tf.TensorSpec((None, None), tf.as_dtype(x.dtype))]
    if y is not None:
        spec.append(tf.TensorSpec((None,), tf.as_dtype(y.dtype)))
    options = tf.data.Options()
    options.autotune.enabled = False
    return (
        tf.data.Dataset.from_generator(generate, output_signature=tuple(spec))
        .apply(tf.data.experimental.assert_cardinality(len(fixed_plan)))
        .with_options(options)
    )


def predict_outputs(model: Any, x: np.ndarray, batch_size: int, bucketed: bool) -> np.ndarray:
    """``model``'s outputs for ``x``, in its row order."""
    if not len(x):
        return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    order = np.concatenate([batch.rows for batch in plan_batches(x, batch_size, bucketed=bucketed)])
    outputs = np.asarray(model.predict(batches(x, None, batch_size, bucketed=bucketed), verbose=0))
    restored = np.empty_like(outputs)
    restored[order] = outputs
    return restored


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
