"""The batches the trainer feeds Keras: every row once per epoch, outputs back in row order."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_batching import left_padded


def _reviews() -> tuple[np.ndarray, np.ndarray]:
    """Rows 1, 2, …, n (left-padded) labelled by the parity of n, so a batch shows its pairs."""
    lengths = np.random.default_rng(0).integers(1, 60, size=150)
    return left_padded(lengths.tolist(), 64), lengths % 2


def _epoch(dataset) -> list[tuple[np.ndarray, np.ndarray]]:
    import keras

    if isinstance(dataset, keras.utils.PyDataset):
        epoch = [dataset[i] for i in range(len(dataset))]
        dataset.on_epoch_end()
        return epoch
    return [(np.asarray(tokens), np.asarray(labels)) for tokens, labels in dataset]


@pytest.mark.parametrize("bucketed", [True, False])
def test_each_epoch_holds_every_row_once_with_its_label_reshuffled(bucketed):
    from zoo.train.inputs import batches

    x, y = _reviews()
    dataset = batches(x, y, 32, seed=0, bucketed=bucketed)
    epochs = [_epoch(dataset), _epoch(dataset)]
    orders = []
    for epoch in epochs:
        assert len(epoch) == len(dataset)
        lengths = np.concatenate([(tokens != 0).sum(axis=1) for tokens, _ in epoch])
        labels = np.concatenate([labels for _, labels in epoch])
        assert sorted(lengths.tolist()) == sorted(((x != 0).sum(axis=1)).tolist())
        np.testing.assert_array_equal(labels, lengths % 2)
        widths = {tokens.shape[1] for tokens, _ in epoch}
        assert (widths == {64}) is not bucketed  # bucketed batches are cut shorter
        orders.append(lengths.tolist())
    assert orders[0] != orders[1]


def test_tensorflow_batches_do_not_autotune():
    import keras

    from zoo.train.inputs import batches

    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.data is TensorFlow's")
    x, y = _reviews()
    assert batches(x, y, 32, seed=0).options().autotune.enabled is False
    assert batches(x, None, 32, bucketed=False).options().autotune.enabled is False


@pytest.mark.parametrize("bucketed", [True, False])
def test_predicted_outputs_come_back_in_row_order(bucketed):
    import keras

    from zoo.train.inputs import predict_outputs

    x, _ = _reviews()
    inputs = keras.Input(shape=(None,), dtype="int32")
    sums = keras.layers.Lambda(lambda t: keras.ops.sum(keras.ops.cast(t, "float32"), axis=1))
    predicted = predict_outputs(keras.Model(inputs, sums(inputs)), x, 32, bucketed)
    np.testing.assert_allclose(predicted, x.sum(axis=1))


def test_inference_traces_the_predict_function_once_for_every_batch_shape():
    """Length buckets, a short last batch and single texts: one TensorFlow trace, not one per
    shape (TensorFlow warns about retracing on stderr once a few models have done that)."""
    import keras

    from zoo.train.inputs import predict_outputs, trace_inference

    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.function tracing is TensorFlow's")
    x, _ = _reviews()
    inputs = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(64, 4)(inputs)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(embedded))
    for batch_size in (32, 50):
        predict_outputs(model, x, batch_size, bucketed=True)
    trace_inference(model, x.dtype)
    for shape in ((1, 7), (3, 64)):
        model.predict_on_batch(np.ones(shape, x.dtype))
    assert model.predict_function.experimental_get_tracing_count() == 1
