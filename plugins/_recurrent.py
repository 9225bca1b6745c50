"""The body shared by the LSTM family: embedding, (bidirectional) LSTM layers, dropout, head."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zoo import HParam, InputSpec
from zoo.blocks import POOLINGS

EMBEDDING_DIM = HParam(
    128, "width of the word embedding (pretrained vectors set it)", 1, search=(32, 256), log=True
)
# the tutorial's dropouts stay out of searches: the LSTM dropouts train slower (and
# recurrent_dropout takes the LSTM off cuDNN), the embedding dropout overlaps spatial_dropout
EMBEDDING_DROPOUT = HParam(
    0.0, "dropout between the embedding and the LSTM (tutorial)", 0.0, 0.99, tune=False
)
INPUT_DROPOUT = HParam(
    0.0, "LSTM dropout on its inputs (tutorial's dropout=)", 0.0, 0.99, tune=False
)
RECURRENT_DROPOUT = HParam(
    0.0, "LSTM recurrent_dropout; > 0 disables cuDNN and is much slower", 0.0, 0.99, tune=False
)
DROPOUT = HParam(
    0.5, "dropout before the output (the course used 0.2)", 0.0, 0.99, search=(0.0, 0.7)
)
POOLING = HParam(
    "mean_max",
    "what the head sees: the last LSTM state (seeds), or max / mean+max over time",
    choices=POOLINGS,
)
SPATIAL_DROPOUT = HParam(
    0.3, "share of embedding channels dropped (SpatialDropout1D)", 0.0, 0.99, search=(0.0, 0.5)
)
WORD_DROPOUT = HParam(
    0.0, "share of words whose whole embedding is dropped", 0.0, 0.99, search=(0.0, 0.3)
)


def family_hparams(*, units: HParam, embedding_dim: int = 128) -> dict[str, HParam]:
    """The hyperparameters of a :func:`build_recurrent` model, given its LSTMs' ``units`` and the
    default width of its embedding."""
    return {
        "embedding_dim": replace(EMBEDDING_DIM, default=embedding_dim),
        "units": units,
        "embedding_dropout": EMBEDDING_DROPOUT,
        "input_dropout": INPUT_DROPOUT,
        "recurrent_dropout": RECURRENT_DROPOUT,
        "dropout": DROPOUT,
        "pooling": POOLING,
        "spatial_dropout": SPATIAL_DROPOUT,
        "word_dropout": WORD_DROPOUT,
    }


def build_recurrent(
    input_spec: InputSpec,
    *,
    name: str,
    bidirectional: bool,
    n_layers: int,
    embedding_dim: int,
    units: int,
    embedding_dropout: float,
    input_dropout: float,
    recurrent_dropout: float,
    dropout: float,
    pooling: str,
    spatial_dropout: float,
    word_dropout: float,
) -> Any:
    """Embedding → ``n_layers`` LSTMs → last state or pooling over time → dropout → head.

    All LSTMs but the last return sequences; the last does too when the head pools over time.
    """
    import keras

    from zoo import blocks

    tokens = blocks.token_input(input_spec, any_length=True)
    x = blocks.spatial_dropout(blocks.embed(tokens, input_spec, embedding_dim), spatial_dropout)
    x = blocks.word_dropout(x, word_dropout)
    if embedding_dropout:
        x = keras.layers.Dropout(embedding_dropout, name="embedding_dropout")(x)
    for index in range(n_layers):
        last = index == n_layers - 1
        layer = blocks.lstm(
            units,
            dropout=input_dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=not last or pooling != "last",
            name=f"lstm_{index + 1}",
        )
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bilstm_{index + 1}")
        x = layer(x)
    if pooling != "last":
        x = blocks.pool_over_time(x, pooling, tokens)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return blocks.functional_model(tokens, blocks.classifier_head(x, input_spec), name)
