"""zoo-attention's own tests: the keras-zoo conformance kit, and the attention weights."""

import numpy as np
import pytest

from zoo.testing import check_architecture


@pytest.mark.slow
@pytest.mark.parametrize("name", ["attention_bilstm", "transformer"])
def test_conformance(name, tmp_path):
    check_architecture(name, tmp_path)


def test_attention_pooling_is_a_convex_combination_squashed_by_tanh():
    import keras
    from zoo_attention.layers import AttentionPooling

    keras.utils.set_random_seed(0)  # the same weights whichever tests ran before
    hidden = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    layer = AttentionPooling()
    out = keras.ops.convert_to_numpy(layer(hidden))
    w = keras.ops.convert_to_numpy(layer.w)
    scores = np.tanh(hidden) @ w
    alpha = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    expected = np.tanh((alpha * hidden).sum(axis=1))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)  # float32 rounding near 0
