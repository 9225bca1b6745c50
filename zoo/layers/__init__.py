"""zoo's own Keras layers, computed from the token ids so they run on every backend: n-grams
(``zoo.layers.ngrams``), pooling over text (``zoo.layers.pooling``) and an LSTM
(``zoo.layers.recurrent``). Import them from here (``from zoo.layers import MaskedMean``); this
package imports Keras: import it inside a builder.
"""

from __future__ import annotations

from typing import Any

from zoo.layers.ngrams import (
    MAX_BUCKETS,
    PACKAGE,
    HashedNGrams,
    InverseDocumentFrequency,
    LogCountRatio,
    SparseLinear,
    binary_counts,
)
from zoo.layers.pooling import MaskedMax, MaskedMean, PooledIds
from zoo.layers.recurrent import LSTM

__all__ = [
    "LSTM",
    "MAX_BUCKETS",
    "PACKAGE",
    "HashedNGrams",
    "InverseDocumentFrequency",
    "LogCountRatio",
    "MaskedMax",
    "MaskedMean",
    "PooledIds",
    "SparseLinear",
    "binary_counts",
    "custom_objects",
]


def custom_objects() -> dict[str, Any]:
    """The layers of this module by class name, for ``keras.saving.load_model``."""
    layers = (
        HashedNGrams,
        InverseDocumentFrequency,
        LogCountRatio,
        SparseLinear,
        MaskedMean,
        MaskedMax,
        PooledIds,
        LSTM,
    )
    return {layer.__name__: layer for layer in layers}
