"""``cnn_lstm``: Conv1D → MaxPooling1D → LSTM → pooling over time → output (tutorial seed)."""

from __future__ import annotations

from zoo_plugins import _recurrent as r

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers


def build(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    filters: int,
    kernel_size: int,
    pool_size: int,
    units: int,
    dropout: float,
    pooling: str,
    spatial_dropout: float,
    word_dropout: float,
):
    """Build the convolution-then-LSTM classifier."""
    import keras

    from zoo import blocks
    from zoo.layers import PooledIds

    tokens = blocks.token_input(input_spec, any_length=True)
    x = blocks.spatial_dropout(blocks.embed(tokens, input_spec, embedding_dim), spatial_dropout)
    x = blocks.word_dropout(x, word_dropout)
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv")(x)
    x = keras.layers.MaxPooling1D(pool_size, name="max_pool")(x)
    x = blocks.lstm(units, return_sequences=pooling != "last", name="lstm")(x)
    if pooling != "last":
        x = blocks.pool_over_time(x, pooling, PooledIds(pool_size, name="pooled_ids")(tokens))
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return blocks.functional_model(tokens, blocks.classifier_head(x, input_spec), "cnn_lstm")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="cnn_lstm",
            builder=build,
            description="Embedding, Conv1D, max pooling, an LSTM over the pooled features, output",
            hparams={
                "embedding_dim": HParam(
                    32, "width of the word embedding (tutorial)", 1, search=(16, 256), log=True
                ),
                "filters": HParam(64, "convolution filters", 1, search=(16, 256), log=True),
                "kernel_size": HParam(3, "convolution width in words", 1, search=(2, 7)),
                "pool_size": HParam(2, "max pooling window", 1, search=(2, 4)),
                "units": HParam(100, "LSTM units", 1, search=(16, 256), log=True),
                "dropout": HParam(0.2, "dropout after the LSTM", 0.0, 0.99, search=(0.0, 0.7)),
                "pooling": r.POOLING,
                "spatial_dropout": r.SPATIAL_DROPOUT,
                "word_dropout": r.WORD_DROPOUT,
            },
            reference="tutorial seed (CNN-LSTM on IMDB)",
            custom_objects=custom_layers,
            tags=("convolutional", "recurrent"),
        )
    )
