"""``cnn_lstm``: Conv1D → MaxPooling1D → LSTM → output (tutorial seed)."""

from __future__ import annotations

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl


def build(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    filters: int,
    kernel_size: int,
    pool_size: int,
    units: int,
    dropout: float,
):
    """Build the convolution-then-LSTM classifier."""
    import keras

    from zoo.blocks import classifier_head, embed, functional_model, token_input

    tokens = token_input(input_spec)
    x = embed(tokens, input_spec, embedding_dim)
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv")(x)
    x = keras.layers.MaxPooling1D(pool_size, name="max_pool")(x)
    x = keras.layers.LSTM(units, name="lstm")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return functional_model(tokens, classifier_head(x, input_spec), "cnn_lstm")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="cnn_lstm",
            builder=build,
            description="Embedding, Conv1D, max pooling and an LSTM over the pooled features",
            hparams={
                "embedding_dim": HParam(128, "width of the word embedding", 1),
                "filters": HParam(64, "convolution filters", 1),
                "kernel_size": HParam(3, "convolution width in words", 1),
                "pool_size": HParam(2, "max pooling window", 1),
                "units": HParam(100, "LSTM units", 1),
                "dropout": HParam(0.2, "dropout after the LSTM", 0.0, 0.99),
            },
            reference="tutorial seed (CNN-LSTM on IMDB)",
            tags=("convolutional", "recurrent"),
        )
    )
