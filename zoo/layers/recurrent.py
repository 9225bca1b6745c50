"""``LSTM``: Keras's, trained on the kernel that does not slow down with the square of the
length under torch without CUDA. This module imports Keras."""

from __future__ import annotations

from typing import Any

from zoo.backend import import_keras, torch_without_cuda
from zoo.layers.ngrams import PACKAGE

keras = import_keras()


@keras.saving.register_keras_serializable(package=PACKAGE)
class LSTM(keras.layers.LSTM):
    """``keras.layers.LSTM``, trained on Keras's generic kernel under torch without CUDA.

    There Keras 3.15.1 stands in for cuDNN with a loop that indexes the precomputed input
    projections step by step, and autograd adds a gradient the size of the whole sequence at
    every step: a training step grows with the square of the length (a bidirectional layer of
    64 units over 64 texts of 1,000 tokens: 55 s, against 3 s on the generic kernel). That loop
    predicts 2 to 6 times faster than the generic kernel, so inference keeps it.
    """

    def inner_loop(
        self, sequences: Any, initial_state: Any, mask: Any, training: bool = False
    ) -> Any:
        if training and torch_without_cuda():
            return keras.layers.RNN.inner_loop(self, sequences, initial_state, mask, training)
        return super().inner_loop(sequences, initial_state, mask, training=training)
