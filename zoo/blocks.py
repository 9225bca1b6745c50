"""Layers every text classifier shares: token input, (pretrained) embedding and output head.

Builders of built-in and third-party architectures call these so that every model takes the same
input and gives the same kind of output. Keras is imported inside each function.
"""

from __future__ import annotations

from typing import Any

from zoo.spec import InputSpec


def token_input(input_spec: InputSpec) -> Any:
    """The model input: int token ids of shape ``(batch, sequence_length)``."""
    import keras

    return keras.Input(shape=(input_spec.sequence_length,), dtype="int32", name="token_ids")


def embed(tokens: Any, input_spec: InputSpec, embedding_dim: int) -> Any:
    """Embed ``tokens``; a pretrained matrix, when given, sets the weights and the width."""
    import keras

    matrix = input_spec.embedding_matrix
    if matrix is None:
        return keras.layers.Embedding(input_spec.vocab_size, embedding_dim, name="embedding")(
            tokens
        )
    layer = keras.layers.Embedding(
        matrix.shape[0],
        matrix.shape[1],
        trainable=input_spec.embeddings_trainable,
        name="embedding",
    )
    embedded = layer(tokens)
    layer.set_weights([matrix])
    return embedded


def classifier_head(features: Any, input_spec: InputSpec) -> Any:
    """Class probabilities: one sigmoid unit for two classes, a softmax otherwise."""
    import keras

    activation = "sigmoid" if input_spec.output_units == 1 else "softmax"
    # float32 output keeps the loss stable under mixed precision
    return keras.layers.Dense(
        input_spec.output_units, activation=activation, dtype="float32", name="probabilities"
    )(features)


def functional_model(inputs: Any, outputs: Any, name: str) -> Any:
    """A ``keras.Model`` from the functional graph, named after its architecture."""
    import keras

    return keras.Model(inputs, outputs, name=name)
