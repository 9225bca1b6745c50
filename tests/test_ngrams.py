"""N-gram layers and adapting layers on the training split, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

import zoo
from tests.conftest import write_reviews_csv
from zoo.config import ExperimentConfig
from zoo.data.prepare import prepare_data
from zoo.data.settings import DataSettings
from zoo.errors import ConfigError, PluginError
from zoo.experiment import Experiment
from zoo.spec import TrainingSplit
from zoo.train.settings import TrainSettings

VOCAB = 10


def _layers():
    from zoo import layers

    return layers


def _as_rows(ids) -> list[list[int]]:
    return [sorted(int(i) for i in row if i) for row in np.asarray(ids)]


def test_unigrams_keep_their_ids_and_bigrams_skip_padding():
    layers = _layers()
    tokens = np.array([[0, 0, 3, 4, 3], [5, 6, 7, 8, 9]], dtype="int32")
    unigrams = layers.HashedNGrams(VOCAB, max_n=1)(tokens)
    assert _as_rows(unigrams) == [[3, 3, 4], [5, 6, 7, 8, 9]]
    hashing = layers.HashedNGrams(VOCAB, max_n=2, buckets=1000)
    ids = np.asarray(hashing(tokens))
    assert ids.shape == (2, 5 + 4)
    bigrams = ids[:, 5:]
    assert (bigrams[0, :2] == 0).all()  # (0, 0) and (0, 3) reach into padding
    assert (bigrams[0, 2:] >= VOCAB).all() and (bigrams[1] >= VOCAB).all()
    assert ids.max() < hashing.size == VOCAB + 1000
    assert bigrams[0, 2] != bigrams[0, 3]  # (3, 4) and (4, 3) are different bigrams


def test_the_same_ngram_gets_the_same_id_wherever_it_occurs():
    layers = _layers()
    tokens = np.array([[1, 2, 3, 9, 1, 2, 3], [0, 0, 0, 0, 1, 2, 3]], dtype="int32")
    ids = np.asarray(layers.HashedNGrams(VOCAB, max_n=3, buckets=997, min_n=3)(tokens))
    trigram = ids[1, -1]
    assert trigram > 0 and ids[0, 0] == ids[0, 4] == trigram
    assert np.count_nonzero(ids[1]) == 1


def test_binary_ngrams_count_each_id_once_per_text():
    layers = _layers()
    tokens = np.array([[0, 4, 4, 4, 2], [3, 3, 3, 3, 3]], dtype="int32")
    ids = layers.HashedNGrams(VOCAB, max_n=2, buckets=50, binary=True)(tokens)
    rows = _as_rows(ids)
    assert [i for i in rows[0] if i < VOCAB] == [2, 4]
    assert len([i for i in rows[0] if i >= VOCAB]) == 2  # (4, 4) once, (4, 2) once
    assert rows[1][0] == 3 and len(rows[1]) == 2


def test_binary_counts_per_text_and_class():
    layers = _layers()
    ids = np.array([[1, 1, 2, 0], [2, 3, 0, 0], [1, 0, 0, 0]])
    counts = layers.binary_counts(ids, 4, np.array([0, 1, 1]))
    np.testing.assert_array_equal(counts, [[0, 0], [1, 1], [1, 1], [0, 1]])
    np.testing.assert_array_equal(layers.binary_counts(ids, 4)[:, 0], [0, 2, 2, 1])


def test_idf_is_scikit_learns_smoothed_idf_with_unit_length_texts():
    layers = _layers()
    ids = np.array([[1, 2, 0], [1, 3, 0], [1, 2, 3]])
    idf_layer = layers.InverseDocumentFrequency(4)
    idf_layer.adapt(ids)
    expected = {1: math.log(4 / 4) + 1, 2: math.log(4 / 3) + 1, 3: math.log(4 / 3) + 1}
    np.testing.assert_allclose(np.asarray(idf_layer.idf)[1:], list(expected.values()), rtol=1e-6)
    weights = np.asarray(idf_layer(np.array([[1, 2, 0]])))[0, :, 0]
    norm = math.hypot(expected[1], expected[2])
    np.testing.assert_allclose(weights, [expected[1] / norm, expected[2] / norm, 0], rtol=1e-6)


def test_log_count_ratio_matches_naive_bayes_by_hand():
    layers = _layers()
    ids = np.array([[1, 2], [1, 0], [3, 0]])
    labels = np.array([1, 1, 0])
    layer = layers.LogCountRatio(4, alpha=1.0)
    layer.adapt(ids, labels=labels)
    positive = np.array([2, 1, 0]) + 1.0  # texts of class 1 holding ids 1, 2, 3
    negative = np.array([0, 0, 1]) + 1.0
    expected = np.log((positive / positive.sum()) / (negative / negative.sum()))
    np.testing.assert_allclose(np.asarray(layer.ratio)[1:, 0], expected, rtol=1e-6)
    assert np.asarray(layer.ratio)[0, 0] == 0.0
    multi = layers.LogCountRatio(4, units=3)
    multi.adapt(ids, labels=np.array([0, 2, 2]))
    assert np.asarray(multi.ratio).shape == (4, 3)
    assert np.asarray(multi.ratio)[3, 2] > 0 > np.asarray(multi.ratio)[3, 0]  # id 3: class 2 only


def test_sparse_linear_sums_values_times_weights():
    layers = _layers()
    linear = layers.SparseLinear(5, 1)
    linear.table.assign(np.arange(5, dtype="float32").reshape(5, 1))
    linear.bias.assign(np.array([1.0], dtype="float32"))
    ids = np.array([[2, 4, 0]])
    values = np.array([[[1.0], [2.0], [7.0]]], dtype="float32")
    logits = np.asarray(linear([ids, values]))
    assert logits[0, 0] == pytest.approx(1.0 * 2 + 2.0 * 4 + 1.0)  # id 0 counts nothing
    assert np.asarray(linear(ids))[0, 0] == pytest.approx(2 + 4 + 1.0)


def _data(tmp_path) -> object:
    path = write_reviews_csv(tmp_path / "reviews.csv", n_train=120, n_test=60)
    return prepare_data(DataSettings("file", str(path), max_tokens=100, sequence_length=30))


@pytest.mark.slow
def test_layers_adapt_on_the_training_split_only(tmp_path):
    from zoo.backend import import_keras
    from zoo.train.trainer import train_model

    keras = import_keras()
    seen: dict[str, np.ndarray] = {}

    class Recorder(keras.layers.Layer):
        def adapt(self, data, labels):
            seen["tokens"], seen["labels"] = np.asarray(data), np.asarray(labels)

        def call(self, inputs):
            return keras.ops.cast(inputs, "float32")

    def build(input_spec):
        tokens = keras.Input((input_spec.sequence_length,), dtype="int32")
        x = keras.layers.Dense(1, activation="sigmoid")(Recorder()(tokens))
        return keras.Model(tokens, x)

    data = _data(tmp_path)
    spec = zoo.ArchitectureSpec("recorder", build, "records what adapt sees")
    train_model(spec, data, TrainSettings(epochs=1), {}, verbose=0)
    np.testing.assert_array_equal(seen["tokens"], data.x_train)
    np.testing.assert_array_equal(seen["labels"], data.y_train)


@pytest.mark.slow
def test_adapted_statistics_come_from_the_training_split(tmp_path):
    from zoo.train.trainer import train_model

    data = _data(tmp_path)
    spec = zoo.get_spec("nbsvm")
    result = train_model(spec, data, TrainSettings(epochs=1), spec.defaults, verbose=0)
    ratio_layer = result.model.get_layer("nb_ratio")
    expected = _layers().LogCountRatio(ratio_layer.size)
    ngram_ids = result.model.get_layer("ngrams")(data.x_train)
    expected.adapt(np.asarray(ngram_ids), labels=data.y_train)
    np.testing.assert_allclose(np.asarray(ratio_layer.ratio), np.asarray(expected.ratio))
    assert result.metrics["test_accuracy"] > 0.9  # the cue words separate the classes


def test_architectures_without_embeddings_refuse_pretrained_vectors(tmp_path):
    config = ExperimentConfig(
        data={"path": str(tmp_path / "x.csv")}, train={"embeddings": "vectors.txt"}
    )
    specs = [zoo.get_spec("cnn1d"), zoo.get_spec("nbsvm")]
    with pytest.raises(ConfigError, match="'nbsvm' takes no pretrained embeddings"):
        Experiment.from_config(config, specs)


def test_architecture_training_defaults_sit_below_every_user_setting():
    spec = zoo.ArchitectureSpec(
        "linear_probe", lambda s: None, "x", train_defaults={"learning_rate": 0.05, "epochs": 9}
    )
    config = ExperimentConfig(train={"epochs": 2, "linear_probe": {"batch_size": 8}})
    settings = config.train_settings(spec.name, spec.train_defaults)
    assert (settings.learning_rate, settings.epochs, settings.batch_size) == (0.05, 2, 8)
    with pytest.raises(PluginError, match="unknown training setting 'lr'"):
        ExperimentConfig().train_settings("bad", {"lr": 0.1})


def test_hash_buckets_follow_the_training_tokens_up_to_the_architectures_most():
    from zoo.blocks import ngram_buckets

    assert ngram_buckets(TrainingSplit(10, 1_000), most=2**22) == {"buckets": 4096}
    assert ngram_buckets(TrainingSplit(10, 1_025), most=2**22) == {"buckets": 8192}
    assert ngram_buckets(TrainingSplit(10**5, 10**8), most=2**18) == {"buckets": 2**18}
    assert zoo.get_spec("nbsvm").defaults_for(TrainingSplit(50, 1_000))["buckets"] == 4096


def test_planned_runs_size_the_ngram_table_to_the_data_unless_the_user_sets_it(tmp_path):
    path = write_reviews_csv(tmp_path / "reviews.csv")
    specs = [zoo.get_spec("nbsvm"), zoo.get_spec("fasttext"), zoo.get_spec("cnn1d")]

    def planned(**hparams) -> tuple[int, dict[str, dict]]:
        config = ExperimentConfig(data={"path": str(path)}, hparams=hparams)
        data, runs = Experiment.from_config(config, specs).prepare(lambda _: None, summary=False)
        tokens = int(np.count_nonzero(data.x_train))
        assert tokens > 1_000
        return tokens, {run.spec.name: run.hparams for run in runs}

    tokens, hparams = planned()
    expected = 1 << (4 * tokens - 1).bit_length()  # the power of two holding 4 per token
    assert hparams["nbsvm"]["buckets"] == hparams["fasttext"]["buckets"] == expected
    assert "buckets" not in hparams["cnn1d"]
    _, hparams = planned(buckets=999, fasttext={"buckets": 77})
    assert (hparams["nbsvm"]["buckets"], hparams["fasttext"]["buckets"]) == (999, 77)


def test_data_defaults_may_set_declared_hyperparameters_only():
    spec = zoo.ArchitectureSpec(
        "sized", lambda s, width=1: None, "x", hparams={"width": 1}, data_defaults=_too_wide
    )
    with pytest.raises(PluginError, match="its data_defaults set 'height'"):
        spec.defaults_for(TrainingSplit(1, 1))


def _too_wide(split: TrainingSplit) -> dict[str, int]:
    return {"width": split.tokens, "height": 2}
