"""``cnn1d``: Conv1D → global max pool → dropout → dense relu → output (course notebook)."""

from __future__ import annotations

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl


def build(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    filters: int,
    kernel_size: int,
    dropout: float,
    dense_units: int,
    spatial_dropout: float,
):
    """Build the 1D convolutional classifier."""
    import keras

    from zoo import blocks

    tokens = blocks.token_input(input_spec, any_length=True)
    x = blocks.spatial_dropout(blocks.embed(tokens, input_spec, embedding_dim), spatial_dropout)
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv")(x)
    x = keras.layers.GlobalMaxPooling1D(name="global_max_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    return blocks.functional_model(tokens, blocks.classifier_head(x, input_spec), "cnn1d")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="cnn1d",
            builder=build,
            description="Embedding, Conv1D, global max pooling, dropout, dense relu, output",
            hparams={
                "embedding_dim": HParam(
                    128, "width of the word embedding", 1, search=(32, 256), log=True
                ),
                "filters": HParam(
                    512,
                    "convolution filters (chosen in bfloat16 on AMX; a CPU without AMX computes "
                    "them in float32, 2.3 times the time per epoch)",
                    1,
                    search=(64, 512),
                    log=True,
                ),
                "kernel_size": HParam(3, "convolution width in words", 1, search=(2, 7)),
                "dropout": HParam(0.5, "dropout after pooling", 0.0, 0.99, search=(0.0, 0.7)),
                "dense_units": HParam(
                    128, "units of the dense relu layer", 1, search=(32, 256), log=True
                ),
                "spatial_dropout": HParam(
                    0.2,
                    "share of embedding channels dropped (SpatialDropout1D)",
                    0.0,
                    0.99,
                    search=(0.0, 0.5),
                ),
            },
            reference="Kim 2014; course notebook seed",
            tags=("convolutional",),
            # bfloat16 on CPUs with AMX: same accuracy, 0.6 to 0.75 times the training time
            train_defaults={"precision": "auto"},
        )
    )
