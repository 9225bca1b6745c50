"""The built-in architectures: each passes the conformance kit (installed plugins run the kit in
their own tests, as plugins/zoo-attention does) and keeps the settings the docs promise."""

import pytest

import zoo
from zoo.testing import check_architecture

RECURRENT = ("lstm", "bilstm", "stacked_bilstm", "cnn_lstm")
BUILTINS = {*RECURRENT, "cnn1d", "textcnn", "bow_logreg", "tfidf_logreg", "nbsvm", "fasttext"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_architecture_conforms(name, tmp_path):
    check_architecture(name, tmp_path)


def test_every_builtin_is_registered_by_the_core_package():
    core = {name for name in zoo.list_architectures() if zoo.get_spec(name).provider == "keras-zoo"}
    assert core == BUILTINS


def _lstms(model):
    import keras

    lstms = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            lstms += [layer.forward_layer, layer.backward_layer]
        elif isinstance(layer, keras.layers.LSTM):
            lstms.append(layer)
    return lstms


@pytest.mark.parametrize("name", RECURRENT)
def test_builtin_defaults_keep_cudnn_eligible_lstms(name):
    lstms = _lstms(zoo.build_model(name, zoo.InputSpec(50, 12)))
    assert lstms and {layer.cell.recurrent_dropout for layer in lstms} == {0.0}


@pytest.mark.parametrize("name", sorted(BUILTINS - set(RECURRENT)))
def test_the_other_builtins_have_no_lstm(name):
    assert not _lstms(zoo.build_model(name, zoo.InputSpec(50, 12)))


@pytest.mark.parametrize("name", RECURRENT)
def test_lstms_stay_off_cudnn_under_jax_only(name):
    import keras

    lstms = _lstms(zoo.build_model(name, zoo.InputSpec(50, 12), units=4))
    expected = False if keras.backend.backend() == "jax" else "auto"
    assert lstms and {layer.use_cudnn for layer in lstms} == {expected}


def test_stacked_bilstm_stacks_n_layers():
    import keras

    spec = zoo.InputSpec(50, 12)
    model = zoo.build_model("stacked_bilstm", spec, n_layers=3, units=4, pooling="last")
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
    assert len(layers) == 3
    assert [layer.forward_layer.return_sequences for layer in layers] == [True, True, False]
    pooled = zoo.build_model("stacked_bilstm", spec, n_layers=2, units=4, pooling="max")
    layers = [layer for layer in pooled.layers if isinstance(layer, keras.layers.Bidirectional)]
    assert [layer.forward_layer.return_sequences for layer in layers] == [True, True]


def test_seed_options_are_hyperparameters():
    lstm = zoo.get_spec("lstm").hparams
    assert {"embedding_dim", "units", "dropout", "recurrent_dropout", "input_dropout"} <= set(lstm)
    assert {"filters", "kernel_size", "dense_units", "dropout"} <= set(
        zoo.get_spec("cnn1d").hparams
    )
    assert {"pool_size", "filters", "units"} <= set(zoo.get_spec("cnn_lstm").hparams)


def test_textcnn_convolves_each_width_and_bounds_its_output_weights():
    import keras

    model = zoo.build_model("textcnn", zoo.InputSpec(50, 12), widths="2,3,4,5", filters=4)
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    assert [layer.kernel_size for layer in convolutions] == [(2,), (3,), (4,), (5,)]
    assert model.get_layer("features").output.shape[-1] == 16  # 4 filters of each width
    output = model.get_layer("probabilities")
    output.kernel.assign(10 * keras.ops.ones(output.kernel.shape))
    bounded = output.kernel_constraint(output.kernel)
    assert float(keras.ops.max(keras.ops.norm(bounded, axis=0))) == pytest.approx(3.0, rel=1e-5)
    with pytest.raises(zoo.HyperparameterError, match="'widths' must be one of"):
        zoo.build_model("textcnn", zoo.InputSpec(50, 12), widths="3,9")


def test_build_model_checks_hyperparameters():
    with pytest.raises(zoo.HyperparameterError, match="'units' must be int"):
        zoo.build_model("lstm", zoo.InputSpec(50, 12), units="wide")


@pytest.mark.parametrize("name", RECURRENT)
def test_word_dropout_drops_whole_words_in_training_only(name):
    import numpy as np

    model = zoo.build_model(name, zoo.InputSpec(50, 12), units=4, word_dropout=0.5)
    layer = model.get_layer("word_dropout")
    embedded = np.ones((8, 12, 6), "float32")
    dropped = np.asarray(layer(embedded, training=True))
    kept = dropped.any(axis=-1)  # positions with any channel left
    assert 0 < kept.sum() < kept.size
    np.testing.assert_array_equal(dropped[kept], 2.0)  # a kept word keeps all its channels
    np.testing.assert_array_equal(np.asarray(layer(embedded, training=False)), embedded)
    without = zoo.build_model(name, zoo.InputSpec(50, 12), units=4, word_dropout=0.0)
    assert "word_dropout" not in {layer.name for layer in without.layers}  # 0: no layer at all
