"""Custom layers, registered as Keras serializables so that saved ``.keras`` files reload."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo_attention")
class AttentionPooling(keras.layers.Layer):
    """Zhou et al. 2016, section 3.3: ``a = softmax(w^T tanh(H))``, output ``tanh(H a)``."""

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], 1), initializer="glorot_uniform")

    def call(self, hidden):
        scores = ops.matmul(ops.tanh(hidden), self.w)  # (batch, time, 1)
        weights = ops.softmax(scores, axis=1)
        return ops.tanh(ops.sum(weights * hidden, axis=1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


@keras.saving.register_keras_serializable(package="zoo_attention")
class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector for each position to the token embeddings."""

    def __init__(self, sequence_length: int, **kwargs):
        super().__init__(**kwargs)
        self.sequence_length = sequence_length

    def build(self, input_shape):
        self.positions = self.add_weight(
            name="positions",
            shape=(self.sequence_length, input_shape[-1]),
            initializer="uniform",
        )

    def call(self, embedded):
        return embedded + ops.cast(self.positions, embedded.dtype)

    def get_config(self):
        return {**super().get_config(), "sequence_length": self.sequence_length}


CUSTOM_OBJECTS = {"AttentionPooling": AttentionPooling, "PositionEmbedding": PositionEmbedding}
