"""Pooling over the positions of real tokens: ``MaskedMean`` and ``MaskedMax`` pool vectors
where the id is not 0, so padding (which depends on the batch a text lands in) neither dilutes
the mean nor sets the max; ``PooledIds`` aligns ids with a max-pooled sequence. This module
imports Keras.
"""

from __future__ import annotations

from typing import Any

from zoo.backend import import_keras
from zoo.layers.ngrams import PACKAGE

keras = import_keras()
ops = keras.ops


class _PoolOverTokens(keras.layers.Layer):
    """Pools ``[vectors (batch, n, features), ids (batch, n)]`` over the positions whose id is
    not 0, to ``(batch, features)``."""

    @staticmethod
    def present(ids: Any) -> Any:
        """``(batch, n, 1)``: True where a position holds a token."""
        return ops.expand_dims(ops.not_equal(ids, 0), -1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        vectors = input_shape[0]
        return (vectors[0], vectors[-1])


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedMean(_PoolOverTokens):
    """The mean of ``(batch, n, features)`` vectors over positions whose id is not 0."""

    def call(self, inputs: Any) -> Any:
        vectors, ids = inputs
        present = ops.cast(self.present(ids), vectors.dtype)
        total = ops.sum(vectors * present, axis=1)
        return total / ops.maximum(ops.sum(present, axis=1), 1.0)


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedMax(_PoolOverTokens):
    """The maximum of ``(batch, n, features)`` vectors over positions whose id is not 0.

    A text without tokens gets zeros.
    """

    def call(self, inputs: Any) -> Any:
        vectors, ids = inputs
        present = self.present(ids)
        lowest = ops.min(vectors) - 1  # below every real value, whatever the dtype
        maximum = ops.max(ops.where(present, vectors, lowest), axis=1)
        return ops.where(ops.any(present, axis=1), maximum, ops.zeros_like(maximum))


@keras.saving.register_keras_serializable(package=PACKAGE)
class PooledIds(keras.layers.Layer):
    """Token ids ``(batch, n)`` → one id per window of ``MaxPooling1D(pool_size)``: the window's
    last id, which is 0 only when the whole window is left padding."""

    def __init__(self, pool_size: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_size = pool_size

    def call(self, ids: Any) -> Any:
        windows = ops.shape(ids)[1] // self.pool_size
        return ids[:, self.pool_size - 1 : windows * self.pool_size : self.pool_size]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        length = input_shape[1]
        return (input_shape[0], None if length is None else length // self.pool_size)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size}
