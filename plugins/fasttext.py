"""``fasttext``: the mean of word and hashed n-gram embeddings → output (Joulin et al. 2017)."""

from __future__ import annotations

from functools import partial

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers, ngram_buckets

BUCKETS = HParam(
    2**18,
    "hash buckets of the n-grams (default: 4 per training token, a power of two, at most 2**18)",
    1,
    2**22,
    tune=False,
)


def build(
    input_spec: InputSpec,
    *,
    embedding_dim: int,
    ngrams: int,
    buckets: int,
    binary: bool,
    dropout: float,
):
    """Average the embeddings of a text's words and n-grams, then a linear output."""
    import keras

    from zoo import blocks
    from zoo.layers import HashedNGrams, MaskedMean

    tokens = blocks.token_input(input_spec, any_length=True)
    word_ids = tokens
    if binary:
        word_ids = HashedNGrams(input_spec.vocab_size, 1, binary=True, name="words")(tokens)
    words = blocks.embed(word_ids, input_spec, embedding_dim)
    width = words.shape[-1]  # pretrained vectors set it
    vectors, ids = words, word_ids
    if ngrams > 1:
        hashing = HashedNGrams(
            input_spec.vocab_size, ngrams, buckets, min_n=2, binary=binary, name="ngrams"
        )
        ngram_ids = hashing(tokens)
        table = keras.layers.Embedding(hashing.size, width, name="ngram_embedding")
        vectors = keras.layers.Concatenate(axis=1, name="words_and_ngrams")(
            [words, table(ngram_ids)]
        )
        ids = keras.layers.Concatenate(axis=1)([word_ids, ngram_ids])
    x = MaskedMean(name="mean")([vectors, ids])
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    return blocks.functional_model(tokens, blocks.classifier_head(x, input_spec), "fasttext")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="fasttext",
            builder=build,
            description="Mean of word and hashed bigram embeddings, linear output (fastText)",
            hparams={
                "embedding_dim": HParam(
                    32, "width of word and n-gram embeddings", 1, search=(8, 128), log=True
                ),
                "ngrams": HParam(
                    2, "longest n-gram embedded besides the words", 1, 5, search=(1, 3)
                ),
                "buckets": BUCKETS,
                "binary": HParam(
                    True, "count each word and n-gram once per text", search=(False, True)
                ),
                "dropout": HParam(
                    0.0, "dropout on the mean embedding", 0.0, 0.99, search=(0.0, 0.5)
                ),
            },
            reference="Joulin et al. 2017 (fastText); Keras example imdb_fasttext",
            tags=("linear", "n-gram", "embedding"),
            custom_objects=custom_layers,
            train_defaults={"learning_rate": 0.01},
            data_defaults=partial(ngram_buckets, most=BUCKETS.default),
        )
    )
