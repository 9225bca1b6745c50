"""The trainer's numbers against independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import write_reviews_csv
from zoo import get_spec
from zoo.data.prepare import prepare_data
from zoo.data.settings import DataSettings
from zoo.train.buckets import bucket_widths, token_counts
from zoo.train.settings import TrainSettings

pytestmark = pytest.mark.slow  # trains a model


def _train(tmp_path, **settings):
    from zoo.train.trainer import train_model

    path = write_reviews_csv(tmp_path / "noisy.csv", flip_every=5)
    data = prepare_data(DataSettings("file", str(path), max_tokens=200, sequence_length=40))
    spec = get_spec("cnn1d")
    hparams = spec.resolve({"embedding_dim": 16, "filters": 16, "dense_units": 16})
    train = TrainSettings(epochs=3, batch_size=32, **settings)
    return data, train_model(spec, data, train, hparams, verbose=0)


def test_reported_test_accuracy_equals_keras_evaluate_on_the_test_split(tmp_path):
    data, result = _train(tmp_path, bucketing=False)
    _, accuracy = result.model.evaluate(data.x_test, data.y_test, verbose=0)
    assert result.metrics["test_accuracy"] == pytest.approx(accuracy, abs=1e-6)
    assert result.metrics["test_accuracy"] < 1.0
    validation = float(
        np.mean((result.model.predict(data.x_val, verbose=0)[:, 0] >= 0.5) == data.y_val)
    )
    assert result.metrics["best_val_accuracy"] >= validation - 1e-6
    assert result.metrics["epochs_run"] == len(result.history["loss"])


def test_bucketed_accuracy_equals_one_text_at_a_time_at_its_bucket_width(tmp_path):
    import keras

    data, result = _train(tmp_path)
    counts = token_counts(data.x_test)
    widths = bucket_widths(data.x_test.shape[1])
    correct = 0
    for row, label in zip(data.x_test, data.y_test, strict=True):
        width = int(widths[np.searchsorted(widths, token_counts(row[None])[0])])
        probability = float(keras.ops.convert_to_numpy(result.model(row[None, -width:]))[0, 0])
        correct += int((probability >= 0.5) == label)
    assert counts.max() < data.x_test.shape[1] // 2 < widths[-1]  # padding really was cut
    assert result.metrics["test_accuracy"] == pytest.approx(correct / len(data.y_test), abs=1e-9)


def test_auto_precision_trains_and_records_what_it_became(tmp_path, monkeypatch):
    """Without AMX (pinned here, whatever this CPU has) ``auto`` trains and records float32;
    which devices get bfloat16 is tests/test_precision.py's."""
    import zoo.train.precision

    monkeypatch.setattr(zoo.train.precision, "cpu_has_amx", lambda: False)
    _, result = _train(tmp_path, precision="auto")
    assert result.metrics["precision"] == "float32"
    assert result.model.get_layer("conv").dtype_policy.name == "float32"


def test_a_failure_in_reduced_precision_says_which_precision_and_what_to_use(tmp_path, monkeypatch):
    import zoo.train.contract
    from zoo.errors import TrainingError

    def fail(*args):
        raise RuntimeError("could not create a primitive descriptor")

    monkeypatch.setattr(zoo.train.contract, "check_probabilities", fail)
    with pytest.raises(
        TrainingError,
        match=r"'cnn1d' failed computing in mixed_bfloat16 \("
        r"RuntimeError: could not.*--precision float32",
    ):
        _train(tmp_path, precision="mixed_bfloat16")
    with pytest.raises(RuntimeError, match="primitive descriptor"):  # float32: not ours to say
        _train(tmp_path, precision="float32")


@pytest.mark.parametrize(
    ("target", "expected"), [(0.55, 5.0), (0.5, 3.0), (0.9, None), (None, None)]
)
def test_time_to_target_is_when_the_first_epoch_reaching_it_ended(monkeypatch, target, expected):
    """Adapting (1 s) counts; training starts at 10 s and its epochs end at 12, 14 and 16 s
    with validation accuracies 0.5, 0.6 and 0.7."""
    from types import SimpleNamespace

    import zoo.train.trainer

    ticks = iter([10.0, 10.5, 12.0, 14.0, 16.0, 16.5])
    monkeypatch.setattr(
        zoo.train.trainer, "time", SimpleNamespace(perf_counter=lambda: next(ticks))
    )
    clock = zoo.train.trainer._Clock(target)
    clock.adapt_seconds = 1.0
    clock.on_train_begin()
    clock.on_train_batch_end(0, {"loss": 0.7})
    for epoch, accuracy in enumerate([0.5, 0.6, 0.7]):
        clock.on_epoch_end(epoch, {"val_accuracy": accuracy})
    clock.on_train_end()
    summary = clock.summary(train_size=100, batch_size=10)
    assert summary["time_to_target_seconds"] == expected
    assert summary["train_seconds"] == 7.5 and summary["epochs_run"] == 3


def test_a_small_data_set_trains_long_enough_at_the_default_length_and_learns(tmp_path):
    """180 training texts make 3 batches of 64: 3 epochs are 9 updates; auto plans 40 epochs
    (1,000 updates, capped), stops early and keeps the best epoch."""
    from zoo.train.trainer import train_model

    path = write_reviews_csv(tmp_path / "small.csv", flip_every=9)
    data = prepare_data(DataSettings("file", str(path), max_tokens=200, sequence_length=40))
    spec = get_spec("cnn1d")
    hparams = spec.resolve({"embedding_dim": 16, "filters": 16, "dense_units": 16})
    result = train_model(spec, data, TrainSettings(), hparams, verbose=0)
    metrics = result.metrics
    assert result.metrics["test_accuracy"] >= 0.8
    assert 3 < metrics["epochs_run"] <= 40 and metrics["stopped"] in ("early", "planned")
    accuracy, loss = result.history["val_accuracy"], result.history["val_loss"]
    best = max(range(len(accuracy)), key=lambda epoch: (accuracy[epoch], -loss[epoch])) + 1
    assert metrics["best_epoch"] == best  # the weights kept are the best epoch's


def test_a_pruned_trial_stops_after_the_epoch_below_its_bar_and_skips_the_test(tmp_path):
    from zoo.train.trainer import train_model

    path = write_reviews_csv(tmp_path / "small.csv")
    data = prepare_data(DataSettings("file", str(path), max_tokens=200, sequence_length=40))
    spec = get_spec("bow_logreg")
    settings = TrainSettings(epochs=5)
    hparams = spec.defaults
    result = train_model(
        spec, data.without_test(), settings, hparams, verbose=0, stop_below=(None, 1.1)
    )
    assert result.metrics["stopped"] == "pruned" and result.metrics["epochs_run"] == 2
    assert "test_accuracy" not in result.metrics and result.test_probabilities is None
