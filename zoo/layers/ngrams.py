"""N-gram layers computed from token ids: ``HashedNGrams`` turns ids into n-gram ids;
``InverseDocumentFrequency`` and ``LogCountRatio`` weight them with statistics learned by
``adapt`` on the training split; ``SparseLinear`` is a linear model over the weighted ids.

Id 0 means "no feature" (padding, or an n-gram that reaches into padding). Adapted state lives in
weights, so it is saved in the ``.keras`` file. This module imports Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.backend import import_keras

keras = import_keras()
ops = keras.ops

PACKAGE = "keras_zoo"
# odd multipliers of the rolling hash; with at most 2**22 buckets no product overflows int32
_MULTIPLIERS = (509, 487, 463, 443)
MAX_BUCKETS = 2**22


@keras.saving.register_keras_serializable(package=PACKAGE)
class HashedNGrams(keras.layers.Layer):
    """Token ids ``(batch, length)`` → ids of their n-grams for n in ``[min_n, max_n]``.

    Unigrams keep their token id (when ``min_n`` is 1); longer n-grams are hashed into
    ``buckets`` ids placed after the vocabulary, so ids lie in ``[0, size)``. With
    ``binary=True`` an id repeated within a text is kept once (the others become 0).
    """

    def __init__(
        self,
        vocab_size: int,
        max_n: int = 2,
        buckets: int = 2**20,
        min_n: int = 1,
        binary: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not 1 <= min_n <= max_n <= len(_MULTIPLIERS) + 1:
            raise ValueError(f"need 1 <= min_n <= max_n <= 5, got min_n={min_n}, max_n={max_n}")
        if max_n > 1 and not 1 <= buckets <= MAX_BUCKETS:
            raise ValueError(f"buckets must be in [1, {MAX_BUCKETS}], got {buckets}")
        self.vocab_size, self.max_n, self.buckets = vocab_size, max_n, buckets
        self.min_n, self.binary = min_n, binary

    @property
    def size(self) -> int:
        """How many ids the output can take, 0 included."""
        first = self.vocab_size if self.min_n == 1 else 1
        return first + (self.buckets if self.max_n > 1 else 0)

    def call(self, tokens: Any) -> Any:
        tokens = ops.cast(tokens, "int32")
        offset = self.vocab_size if self.min_n == 1 else 1
        parts = [tokens] if self.min_n == 1 else []
        for n in range(max(self.min_n, 2), self.max_n + 1):
            parts.append(self._ngram_ids(tokens, n, offset))
        ids = ops.concatenate(parts, axis=1)
        return _first_occurrences(ids) if self.binary else ids

    def _ngram_ids(self, tokens: Any, n: int, offset: int) -> Any:
        width = ops.shape(tokens)[1]
        windows = [tokens[:, i : width - n + 1 + i] for i in range(n)]
        hashed = ops.mod(windows[0], self.buckets)
        present = ops.not_equal(windows[0], 0)
        for multiplier, window in zip(_MULTIPLIERS, windows[1:], strict=False):
            hashed = ops.mod(hashed * multiplier + ops.mod(window, self.buckets), self.buckets)
            present = ops.logical_and(present, ops.not_equal(window, 0))
        return ops.where(present, hashed + offset, 0)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        length = input_shape[1]
        if length is None:
            return (input_shape[0], None)
        orders = range(self.min_n, self.max_n + 1)
        return (input_shape[0], sum(max(length - n + 1, 0) for n in orders))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "max_n": self.max_n,
            "buckets": self.buckets,
            "min_n": self.min_n,
            "binary": self.binary,
        }


def _first_occurrences(ids: Any) -> Any:
    """Each row's ids sorted, with every repeat of an id replaced by 0."""
    ordered = ops.sort(ids, axis=-1)
    repeat = ops.equal(ordered[:, 1:], ordered[:, :-1])
    repeat = ops.concatenate([ops.zeros_like(repeat[:, :1]), repeat], axis=1)
    return ops.where(repeat, 0, ordered)


def binary_counts(ids: np.ndarray, size: int, labels: np.ndarray | None = None) -> np.ndarray:
    """In how many texts each id occurs, per class of ``labels`` when given: ``(size, classes)``.

    Ids repeated within a text count once; id 0 is never counted.
    """
    ordered = np.sort(np.asarray(ids), axis=1)
    first = np.ones(ordered.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    keep = first & (ordered > 0)
    classes = 1 if labels is None else int(np.max(labels)) + 1
    label_of = np.zeros(len(ordered), dtype=np.int64) if labels is None else np.asarray(labels)
    slots = ordered.astype(np.int64) * classes + label_of.astype(np.int64)[:, None]
    counts = np.bincount(slots[keep], minlength=size * classes)
    return counts.reshape(size, classes).astype(np.float64)


@keras.saving.register_keras_serializable(package=PACKAGE)
class InverseDocumentFrequency(keras.layers.Layer):
    """N-gram ids → their smoothed idf, ``log((1 + texts) / (1 + df)) + 1`` as scikit-learn.

    With ``normalize`` each text's weights are scaled to unit L2 norm. ``adapt`` counts document
    frequencies on training ids; the weights are saved with the model.
    """

    def __init__(self, size: int, normalize: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size, self.normalize = size, normalize
        self.idf = self.add_weight(shape=(size,), initializer="ones", trainable=False, name="idf")

    def adapt(self, ids: np.ndarray) -> None:
        frequency = binary_counts(ids, self.size)[:, 0]
        idf = np.log((1 + len(ids)) / (1 + frequency)) + 1
        idf[0] = 0.0
        self.idf.assign(idf.astype("float32"))

    def call(self, ids: Any) -> Any:
        weights = ops.take(self.idf, ops.cast(ids, "int32"), axis=0)
        weights = ops.where(ops.not_equal(ids, 0), weights, 0.0)
        if self.normalize:
            norm = ops.sqrt(ops.sum(ops.square(weights), axis=1, keepdims=True))
            weights = weights / ops.maximum(norm, 1e-12)
        return ops.expand_dims(weights, -1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, 1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "normalize": self.normalize}


@keras.saving.register_keras_serializable(package=PACKAGE)
class LogCountRatio(keras.layers.Layer):
    """N-gram ids → naive Bayes log-count ratios (Wang & Manning 2012), one per output unit.

    ``adapt(ids, labels)`` counts in how many texts of each class an id occurs, smoothed by
    ``alpha``: ``r = log((p / |p|) / (q / |q|))`` with ``p`` the counts in the class and ``q``
    those in the others (one against the rest when ``units`` > 1; class 1 for one unit).
    """

    def __init__(self, size: int, units: int = 1, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size, self.units, self.alpha = size, units, alpha
        self.ratio = self.add_weight(
            shape=(size, units), initializer="zeros", trainable=False, name="ratio"
        )

    def adapt(self, ids: np.ndarray, labels: np.ndarray) -> None:
        labels = np.asarray(labels).astype("int64").reshape(-1)
        counts = binary_counts(ids, self.size, labels)
        if counts.shape[1] < max(self.units, 2):
            missing = max(self.units, 2) - counts.shape[1]
            counts = np.pad(counts, ((0, 0), (0, missing)))
        counts = counts[1:]  # id 0 is no feature
        classes = [1] if self.units == 1 else range(self.units)
        ratio = np.zeros((self.size, self.units))
        for column, label in enumerate(classes):
            inside = counts[:, label] + self.alpha
            outside = counts.sum(axis=1) - counts[:, label] + self.alpha
            ratio[1:, column] = np.log((inside / inside.sum()) / (outside / outside.sum()))
        self.ratio.assign(ratio.astype("float32"))

    def call(self, ids: Any) -> Any:
        ratios = ops.take(self.ratio, ops.cast(ids, "int32"), axis=0)
        return ops.where(ops.expand_dims(ops.not_equal(ids, 0), -1), ratios, 0.0)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "units": self.units,
            "alpha": self.alpha,
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class SparseLinear(keras.layers.Layer):
    """Logits of a linear model over ids and their feature values.

    ``call([ids, values])`` with ids ``(batch, n)`` and values ``(batch, n, 1 | units)`` gives
    ``sum_i values_i * W[ids_i] + b``; without values each id counts 1. ``W`` starts at 0.
    """

    def __init__(self, size: int, units: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size, self.units = size, units
        self.table = self.add_weight(shape=(size, units), initializer="zeros", name="weights")
        self.bias = self.add_weight(shape=(units,), initializer="zeros", name="bias")

    def call(self, inputs: Any) -> Any:
        ids, values = inputs if isinstance(inputs, (list, tuple)) else (inputs, None)
        present = ops.expand_dims(ops.cast(ops.not_equal(ids, 0), self.compute_dtype), -1)
        values = present if values is None else values * present
        weights = ops.take(self.table, ops.cast(ids, "int32"), axis=0)
        return ops.sum(values * weights, axis=1) + self.bias

    def compute_output_shape(self, input_shape: Any) -> tuple:
        ids_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        return (ids_shape[0], self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "units": self.units,
        }
