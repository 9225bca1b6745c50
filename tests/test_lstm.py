"""zoo.layers.LSTM: Keras's LSTM, trained on the generic kernel under torch without CUDA."""

import numpy as np
import pytest

from zoo.backend import torch_without_cuda


def _pair():
    import keras

    from zoo.layers import LSTM

    inputs = np.random.default_rng(0).normal(size=(3, 7, 4)).astype("float32")
    ours = keras.layers.Bidirectional(LSTM(5, return_sequences=True))
    reference = keras.layers.Bidirectional(keras.layers.LSTM(5, return_sequences=True))
    ours.build(inputs.shape)
    reference.build(inputs.shape)
    reference.set_weights(ours.get_weights())
    return ours, reference, inputs


@pytest.mark.parametrize("training", [False, True])
def test_zoo_lstm_computes_what_keras_lstm_computes(training):
    import keras

    ours, reference, inputs = _pair()
    expected = keras.ops.convert_to_numpy(reference(inputs, training=training))
    got = keras.ops.convert_to_numpy(ours(inputs, training=training))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_zoo_lstm_saves_and_loads_without_custom_objects(tmp_path):
    import keras

    ours, _, inputs = _pair()
    model = keras.Sequential([keras.Input((None, 4)), ours])
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0))
    assert type(loaded.layers[0].forward_layer) is type(ours.forward_layer)


def test_zoo_lstm_trains_on_the_generic_kernel_under_torch_without_cuda(monkeypatch):
    import keras

    if not torch_without_cuda():
        pytest.skip("Keras's own kernel is kept on this backend and device")
    generic = keras.layers.RNN.inner_loop
    calls = []

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("training", args[3] if len(args) > 3 else False))
        return generic(self, *args, **kwargs)

    monkeypatch.setattr(keras.layers.RNN, "inner_loop", spy)
    ours, _, inputs = _pair()
    calls.clear()
    ours(inputs, training=False)
    assert calls == []
    ours(inputs, training=True)
    assert calls == [True, True]  # one call each way
