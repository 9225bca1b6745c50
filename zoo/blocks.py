"""Layers every text classifier shares: token input, (pretrained) embedding and output head.

Builders of built-in and third-party architectures call these so that every model takes the same
input and gives the same kind of output. Keras is imported inside each function.
"""

from __future__ import annotations

from typing import Any

from zoo.spec import InputSpec, TrainingSplit

POOLINGS = ("last", "max", "mean_max")
BUCKETS_PER_TOKEN = 4  # n-grams of two lengths fill at most half the table


def token_input(input_spec: InputSpec, any_length: bool = False) -> Any:
    """The model input: int token ids of shape ``(batch, sequence_length)``.

    ``any_length=True`` leaves the length open, for models without layers tied to one length:
    the trainer then cuts each batch to its longest text instead of paying for padding.
    """
    import keras

    length = None if any_length else input_spec.sequence_length
    return keras.Input(shape=(length,), dtype="int32", name="token_ids")


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


def spatial_dropout(x: Any, rate: float) -> Any:
    """Drop whole embedding channels (the same ones at every position); identity at 0."""
    import keras

    return keras.layers.SpatialDropout1D(rate, name="spatial_dropout")(x) if rate else x


def word_dropout(x: Any, rate: float) -> Any:
    """Drop whole words: zero every channel of a share of positions (Gal & Ghahramani 2016)."""
    import keras

    if not rate:
        return x
    return keras.layers.Dropout(rate, noise_shape=(None, None, 1), name="word_dropout")(x)


def lstm(units: int, **options: Any) -> Any:
    """``zoo.layers.LSTM(units, **options)`` (Keras's, trained on a kernel that stays linear in
    the length under torch without CUDA), kept off cuDNN under jax.

    Keras 3.15.1 runs jax LSTMs on a GPU through cuDNN (``jax.experimental.rnn``); on an H200
    the recurrent models trained on that path to 96 % training accuracy while every validation
    and test output sat near 0.5. Under jax they take Keras's generic kernel, as on a CPU;
    TensorFlow and torch keep cuDNN.
    """
    import keras

    from zoo.layers import LSTM

    if keras.backend.backend() == "jax":
        options["use_cudnn"] = False
    return LSTM(units, **options)


def pool_over_time(sequence: Any, pooling: str, tokens: Any) -> Any:
    """Max, or mean and max concatenated, over the time axis of ``(batch, time, features)``.

    Only positions of real tokens count: ``tokens`` holds the ids aligned with ``sequence``
    (0 for padding), so the result does not depend on how far a batch is padded.
    """
    import keras

    from zoo.layers import MaskedMax, MaskedMean

    maximum = MaskedMax(name="max_over_time")([sequence, tokens])
    if pooling == "max":
        return maximum
    mean = MaskedMean(name="mean_over_time")([sequence, tokens])
    return keras.layers.Concatenate(name="mean_max")([mean, maximum])


def ngram_buckets(split: TrainingSplit, most: int) -> dict[str, int]:
    """``buckets`` for the hashed n-grams of a training ``split`` (an ``ArchitectureSpec``'s
    ``data_defaults``, with ``functools.partial`` for ``most``): the power of two that holds
    ``BUCKETS_PER_TOKEN`` per token, at most ``most``.

    A table sized to the data keeps small data fast: 2**22 buckets for six classes are 25
    million weights that the optimizer updates at every step, however few the texts.
    """
    wanted = max(BUCKETS_PER_TOKEN * split.tokens, 1)
    return {"buckets": min(most, 1 << (wanted - 1).bit_length())}


def custom_layers() -> dict[str, Any]:
    """zoo's own layers (``zoo.layers``) by class name, for ``ArchitectureSpec.custom_objects``;
    Keras is imported only when they are asked for."""
    from zoo.layers import custom_objects

    return custom_objects()


def classifier_head(features: Any, input_spec: InputSpec, max_norm: float = 0.0) -> Any:
    """Class probabilities: one sigmoid unit for two classes, a softmax otherwise; with
    ``max_norm``, each class's weight vector is held to at most that L2 norm (Kim 2014)."""
    import keras

    activation = "sigmoid" if input_spec.output_units == 1 else "softmax"
    constraint = keras.constraints.MaxNorm(max_norm) if max_norm else None
    # float32 output keeps the loss stable under mixed precision
    return keras.layers.Dense(
        input_spec.output_units,
        activation=activation,
        kernel_constraint=constraint,
        dtype="float32",
        name="probabilities",
    )(features)


def probabilities(logits: Any, input_spec: InputSpec) -> Any:
    """Class probabilities from logits that already have one unit per output."""
    import keras

    activation = "sigmoid" if input_spec.output_units == 1 else "softmax"
    return keras.layers.Activation(activation, dtype="float32", name="probabilities")(logits)


def functional_model(inputs: Any, outputs: Any, name: str) -> Any:
    """A ``keras.Model`` from the functional graph, named after its architecture."""
    import keras

    return keras.Model(inputs, outputs, name=name)
