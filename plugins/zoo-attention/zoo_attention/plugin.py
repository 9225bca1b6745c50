"""Entry point of zoo-attention: registers ``attention_bilstm`` and ``transformer``.

Keras is imported inside the builders only, so ``zoo list`` stays fast.
"""

from __future__ import annotations

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl


def _custom_objects() -> dict:
    from zoo.blocks import custom_layers
    from zoo_attention.layers import CUSTOM_OBJECTS

    return {**custom_layers(), **CUSTOM_OBJECTS}


def build_attention_bilstm(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    units: int,
    embedding_dropout: float,
    dropout: float,
):
    """Embedding → BiLSTM (all states) → attention pooling → dropout → head."""
    import keras

    from zoo.blocks import classifier_head, embed, functional_model, lstm, token_input
    from zoo_attention.layers import AttentionPooling

    tokens = token_input(input_spec)
    x = embed(tokens, input_spec, embedding_dim)
    x = keras.layers.Dropout(embedding_dropout, name="embedding_dropout")(x)
    x = keras.layers.Bidirectional(lstm(units, return_sequences=True), name="bilstm")(x)
    x = AttentionPooling(name="attention")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return functional_model(tokens, classifier_head(x, input_spec), "attention_bilstm")


def build_transformer(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    num_heads: int,
    ff_dim: int,
    num_layers: int,
    dropout: float,
):
    """Token + position embedding → self-attention blocks → average pooling → head."""
    import keras

    from zoo.blocks import classifier_head, embed, functional_model, token_input
    from zoo_attention.layers import PositionEmbedding

    tokens = token_input(input_spec)
    x = embed(tokens, input_spec, embedding_dim)
    width = x.shape[-1]
    x = PositionEmbedding(input_spec.sequence_length, name="positions")(x)
    for index in range(1, num_layers + 1):
        attended = keras.layers.MultiHeadAttention(
            num_heads, key_dim=max(width // num_heads, 1), name=f"self_attention_{index}"
        )(x, x)
        attended = keras.layers.Dropout(dropout)(attended)
        x = keras.layers.LayerNormalization(epsilon=1e-6)(x + attended)
        forward = keras.layers.Dense(ff_dim, activation="relu", name=f"ff_in_{index}")(x)
        forward = keras.layers.Dense(width, name=f"ff_out_{index}")(forward)
        forward = keras.layers.Dropout(dropout)(forward)
        x = keras.layers.LayerNormalization(epsilon=1e-6)(x + forward)
    x = keras.layers.GlobalAveragePooling1D(name="average_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return functional_model(tokens, classifier_head(x, input_spec), "transformer")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="attention_bilstm",
            builder=build_attention_bilstm,
            description="BiLSTM states pooled by learned attention (Zhou et al. 2016)",
            hparams={
                "embedding_dim": HParam(128, "width of the word embedding", 1),
                "units": HParam(64, "LSTM units in each direction", 1),
                "embedding_dropout": HParam(0.2, "dropout after the embedding", 0.0, 0.99),
                "dropout": HParam(0.3, "dropout after attention pooling", 0.0, 0.99),
            },
            reference="Zhou et al. 2016, ACL, section 3.3; course notebook 'going further'",
            tags=("recurrent", "attention"),
            custom_objects=_custom_objects,
        )
    )
    register(
        ArchitectureSpec(
            name="transformer",
            builder=build_transformer,
            description="Small Transformer encoder: position embedding, self-attention, pooling",
            hparams={
                "embedding_dim": HParam(64, "width of token and position embeddings", 1),
                "num_heads": HParam(2, "attention heads", 1),
                "ff_dim": HParam(128, "feed-forward hidden units", 1),
                "num_layers": HParam(1, "encoder blocks", 1),
                "dropout": HParam(0.1, "dropout in each block and before the head", 0.0, 0.99),
            },
            reference="Vaswani et al. 2017; keras.io text classification with Transformer",
            tags=("attention", "transformer"),
            custom_objects=_custom_objects,
        )
    )
