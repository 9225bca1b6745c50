"""Linear n-gram baselines: ``bow_logreg``, ``tfidf_logreg`` and ``nbsvm``.

Each computes hashed n-grams from the token ids inside the model, so it takes the same input as
every other architecture and is saved, reloaded and served like them. ``tfidf_logreg`` and
``nbsvm`` learn their feature weights (document frequencies, naive Bayes ratios) from the
training split through ``adapt``.
"""

from __future__ import annotations

from functools import partial

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers, ngram_buckets

NGRAMS = HParam(1, "longest n-gram: 1 words, 2 adds bigrams, 3 trigrams", 1, 5, search=(1, 3))
BIGRAMS = HParam(2, NGRAMS.help, 1, 5, search=(1, 3))


def _buckets(most: int) -> HParam:
    return HParam(
        most,
        "hash buckets of the n-grams longer than one word (default: 4 per training token, a "
        f"power of two, at most 2**{most.bit_length() - 1})",
        1,
        2**22,
        tune=False,
    )


BUCKETS = _buckets(2**20)
NBSVM_BUCKETS = _buckets(2**22)


def _ngram_ids(input_spec: InputSpec, ngrams: int, buckets: int):
    from zoo import blocks
    from zoo.layers import HashedNGrams

    tokens = blocks.token_input(input_spec, any_length=True)
    hashing = HashedNGrams(input_spec.vocab_size, ngrams, buckets, binary=True, name="ngrams")
    return tokens, hashing(tokens), hashing.size


def build_bow(input_spec: InputSpec, *, ngrams: int, buckets: int):
    """Binary bag of n-grams → logistic regression."""
    from zoo import blocks
    from zoo.layers import SparseLinear

    tokens, ids, size = _ngram_ids(input_spec, ngrams, buckets)
    logits = SparseLinear(size, input_spec.output_units, name="linear")(ids)
    return blocks.functional_model(tokens, blocks.probabilities(logits, input_spec), "bow_logreg")


def build_tfidf(input_spec: InputSpec, *, ngrams: int, buckets: int, normalize: bool):
    """Binary TF-IDF n-gram weights → logistic regression."""
    from zoo import blocks
    from zoo.layers import InverseDocumentFrequency, SparseLinear

    tokens, ids, size = _ngram_ids(input_spec, ngrams, buckets)
    weights = InverseDocumentFrequency(size, normalize, name="idf")(ids)
    logits = SparseLinear(size, input_spec.output_units, name="linear")([ids, weights])
    return blocks.functional_model(tokens, blocks.probabilities(logits, input_spec), "tfidf_logreg")


def build_nbsvm(input_spec: InputSpec, *, ngrams: int, buckets: int, alpha: float):
    """Binary n-grams scaled by naive Bayes log-count ratios → linear model."""
    from zoo import blocks
    from zoo.layers import LogCountRatio, SparseLinear

    tokens, ids, size = _ngram_ids(input_spec, ngrams, buckets)
    units = input_spec.output_units
    ratios = LogCountRatio(size, units, alpha, name="nb_ratio")(ids)
    logits = SparseLinear(size, units, name="linear")([ids, ratios])
    return blocks.functional_model(tokens, blocks.probabilities(logits, input_spec), "nbsvm")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="bow_logreg",
            builder=build_bow,
            description="Binary bag of words (or n-grams), logistic regression",
            hparams={"ngrams": NGRAMS, "buckets": BUCKETS},
            reference="course notebook's results table; Maas et al. 2011",
            tags=("linear", "n-gram"),
            custom_objects=custom_layers,
            train_defaults={"learning_rate": 0.003},
            data_defaults=partial(ngram_buckets, most=BUCKETS.default),
        )
    )
    register(
        ArchitectureSpec(
            name="tfidf_logreg",
            builder=build_tfidf,
            description="TF-IDF weighted words and bigrams, logistic regression",
            hparams={
                "ngrams": BIGRAMS,
                "buckets": BUCKETS,
                "normalize": HParam(
                    True, "scale each text's weights to unit length (L2)", search=(False, True)
                ),
            },
            reference="course notebook's results table",
            tags=("linear", "n-gram"),
            custom_objects=custom_layers,
            # unit-length TF-IDF rows give small logits: weights must travel far
            train_defaults={"learning_rate": 0.05},
            data_defaults=partial(ngram_buckets, most=BUCKETS.default),
        )
    )
    register(
        ArchitectureSpec(
            name="nbsvm",
            builder=build_nbsvm,
            description="Naive Bayes log-count ratios of binary words to trigrams, linear model",
            hparams={
                "ngrams": HParam(3, "longest n-gram (Wang & Manning used 2)", 1, 5, search=(1, 3)),
                "buckets": NBSVM_BUCKETS,
                "alpha": HParam(
                    1.0, "smoothing of the naive Bayes counts", 1e-6, search=(0.1, 10.0), log=True
                ),
            },
            reference="Wang & Manning 2012 (NBSVM)",
            tags=("linear", "n-gram"),
            custom_objects=custom_layers,
            train_defaults={"learning_rate": 0.003},
            data_defaults=partial(ngram_buckets, most=NBSVM_BUCKETS.default),
        )
    )
