"""Pooling over time counts the text only: padding neither dilutes the mean nor sets the max."""

from __future__ import annotations

import numpy as np
import pytest

import zoo

POOLED = ("lstm", "bilstm", "stacked_bilstm", "cnn_lstm")


def _layers():
    from zoo import layers

    return layers


def test_masked_max_and_mean_skip_padding():
    layers = _layers()
    vectors = np.array([[[9.0, 9.0], [-3.0, 1.0], [-1.0, 2.0]], [[5.0, 5.0]] * 3], "float32")
    ids = np.array([[0, 4, 7], [0, 0, 0]], "int32")
    np.testing.assert_allclose(layers.MaskedMax()([vectors, ids]), [[-1.0, 2.0], [0.0, 0.0]])
    np.testing.assert_allclose(layers.MaskedMean()([vectors, ids]), [[-2.0, 1.5], [0.0, 0.0]])


def test_pooled_ids_mark_the_windows_max_pooling_makes():
    ids = np.array([[0, 0, 0, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0, 8]], "int32")
    pooled = np.asarray(_layers().PooledIds(2)(ids))
    # windows (0, 1), (2, 3), (4, 5); the seventh position falls off as in MaxPooling1D(2)
    np.testing.assert_array_equal(pooled, [[0, 3, 5], [0, 0, 0]])


@pytest.mark.parametrize("name", POOLED)
def test_what_the_head_sees_does_not_depend_on_padding(name):
    import keras

    model = zoo.build_model(name, zoo.InputSpec(vocab_size=50, sequence_length=400))
    pooled = keras.Model(model.inputs, model.get_layer("mean_max").output)
    text = np.random.default_rng(0).integers(1, 50, size=12)
    rows = np.zeros((2, 212), "int32")
    rows[0, -12:], rows[1, -12:] = text, text
    # 100 more pad steps leave an untrained forward LSTM where it was; unmasked, the mean over
    # time would weigh the text 12/112 in one row and 12/212 in the other
    features = np.asarray(pooled.predict(rows[:, 100:], verbose=0))
    padded_more = np.asarray(pooled.predict(rows, verbose=0))
    np.testing.assert_allclose(features[0], padded_more[0], atol=1e-4)
