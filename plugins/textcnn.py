"""``textcnn``: Kim's (2014) CNN for sentence classification, from random vectors (CNN-rand).

Convolutions of several widths over the embedded words, each max-pooled over time, joined,
dropped out and read by the output layer, whose weight vectors are held to an L2 norm of at
most ``max_norm`` (Kim: 3).
"""

from __future__ import annotations

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl

WIDTHS = ("1,2,3", "2,3,4", "3,4,5", "4,5,6", "5,6,7", "2,3,4,5")  # Zhang & Wallace 2015


def build(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    widths: str,
    filters: int,
    dropout: float,
    max_norm: float,
):
    """Build Kim's CNN: one convolution per width, max over time, joined, dropout, output."""
    import keras

    from zoo import blocks

    tokens = blocks.token_input(input_spec, any_length=True)
    embedded = blocks.embed(tokens, input_spec, embedding_dim)
    pooled = []
    for width in map(int, widths.split(",")):
        x = keras.layers.Conv1D(
            filters, width, padding="same", activation="relu", name=f"conv_{width}"
        )(embedded)
        pooled.append(keras.layers.GlobalMaxPooling1D(name=f"max_over_time_{width}")(x))
    x = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate(name="features")(pooled)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    probabilities = blocks.classifier_head(x, input_spec, max_norm=max_norm)
    return blocks.functional_model(tokens, probabilities, "textcnn")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="textcnn",
            builder=build,
            description="Kim's CNN: convolutions of widths 3, 4, 5, max over time, dropout, output",
            hparams={
                "embedding_dim": HParam(
                    300, "width of the word embedding (as Kim)", 1, search=(32, 300), log=True
                ),
                "widths": HParam(
                    "3,4,5", "convolution widths in words, one convolution each", choices=WIDTHS
                ),
                "filters": HParam(100, "filters of each width", 1, search=(32, 256), log=True),
                "dropout": HParam(0.5, "dropout before the output", 0.0, 0.99, search=(0.0, 0.7)),
                "max_norm": HParam(
                    3.0,
                    "largest L2 norm of each output weight vector (0: none)",
                    0.0,
                    search=(1.0, 9.0),
                    log=True,
                ),
            },
            reference="Kim 2014 (CNN-rand)",
            tags=("convolutional",),
        )
    )
