"""The benchmark harness on tiny generated data with the default CPU backend."""

from __future__ import annotations

import dataclasses
import json
import signal
import time

import pytest

from tests.bench_helpers import TINY_FLAGS, tiny_plan
from tests.clirun import invoke_zoo, start_zoo
from tests.conftest import write_reviews_csv
from zoo import ArchitectureSpec
from zoo.bench.driver import run_benchmark
from zoo.bench.results import COLUMNS, read_results
from zoo.registry import get_registry
from zoo.report.table import HEADERS, render
from zoo.train.run import slow_path_note

pytestmark = pytest.mark.slow  # the bench tests train models


def test_table_has_every_column_and_learns_the_toy_task(reviews_csv, tmp_path):
    results = tmp_path / "results.csv"
    plan = tiny_plan(reviews_csv, results, ("cnn1d", "lstm"), target_accuracy=0.55)
    rows = run_benchmark(plan, report=lambda _: None)
    assert [row.status for row in rows] == ["ok", "ok"]
    assert all(row.test_accuracy > 0.8 for row in rows)
    for row in rows:  # reached within the run (tests/test_trainer.py pins the clock)
        assert row.best_val_accuracy >= 0.55
        assert 0 < row.time_to_target_seconds <= row.train_seconds
    table = render(rows)
    conditional = (
        "error",
        "provider",
        "settings",
        "precision",
        "macro F1 %",
    )  # test_table pins them
    for header in HEADERS.values():
        if header not in conditional:
            assert header in table
    recorded = read_results(results)
    assert len(recorded) == 2
    assert set(recorded[0].as_dict()) == set(COLUMNS)
    assert recorded[0].backend == "tensorflow" and recorded[0].keras_version
    assert recorded[0].first_step_seconds > 0 and recorded[0].latency_ms > 0


def test_seeds_resume_and_markdown_table(reviews_csv, tmp_path):
    results = tmp_path / "results.csv"
    first = tiny_plan(reviews_csv, results, epochs=2)
    first.seeds = 2
    run_benchmark(first, report=lambda _: None)
    messages: list[str] = []
    again = tiny_plan(reviews_csv, results, epochs=2)
    again.seeds, again.resume = 3, True
    rows = run_benchmark(again, report=messages.append)
    assert sum(message.startswith("skip:") for message in messages) == 2
    assert len(read_results(results)) == 3
    assert sorted(row.seed for row in rows) == [0, 1, 2]
    markdown = render(rows, "markdown")
    assert "±" in markdown and markdown.startswith("| model")
    assert json.loads(render(rows, "json"))[0]["runs"] == 3


def test_failing_architecture_gives_an_error_row(reviews_csv, tmp_path):
    def explode(input_spec, **hparams):
        raise RuntimeError("cannot build this")

    get_registry().architectures["boom"] = ArchitectureSpec("boom", explode, "always fails")
    results = tmp_path / "results.csv"
    models = ("boom", "cnn1d")
    rows = run_benchmark(tiny_plan(reviews_csv, results, models, epochs=2), lambda _: None)
    assert [row.status for row in rows] == ["error", "ok"]
    assert "failed to build: RuntimeError: cannot build this" in rows[0].error
    assert "cannot build this" in render(rows)


def test_a_killed_then_interrupted_bench_keeps_finished_rows_and_resume_completes(
    reviews_csv, tmp_path
):
    """SIGKILL loses only the run in progress; Ctrl-C (and SIGTERM, the same handler:
    tests/test_interrupts.py) prints the table so far; the resume repeats no finished run."""
    results = tmp_path / "results.csv"
    args = ["bench", "cnn1d", "--data", str(reviews_csv), *TINY_FLAGS, "--epochs", "3"]
    args += ["--seeds", "4", "--quiet", "--results", str(results), "--resume"]
    finished: list = []
    for sig in (signal.SIGKILL, signal.SIGINT):
        process = start_zoo(*args)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(read_results(results)) <= len(finished):
            assert process.poll() is None, process.communicate()[1][-2000:]
            time.sleep(0.2)
        process.send_signal(sig)
        out, err = process.communicate(timeout=60)
        if sig == signal.SIGKILL:
            assert process.returncode == -signal.SIGKILL
        else:
            assert process.returncode == 130, err
            assert "cnn1d" in out and "interrupted" in err
            assert err.count("skip:") == len(finished)
        rows = read_results(results)
        assert len(finished) < len(rows) < 4 and rows[: len(finished)] == finished
        assert all(row.ok for row in rows), [row.error for row in rows]  # no run of the signal
        finished = rows
    resumed = invoke_zoo(*args)  # in this process: the interrupted ones are what is tested
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.count("skip:") == len(finished)
    complete = read_results(results)
    assert sorted(row.seed for row in complete) == [0, 1, 2, 3]
    assert complete[: len(finished)] == finished  # finished runs are kept, not repeated
    assert not list(tmp_path.glob(".results.csv.*.tmp"))


def _register(name, builder):
    get_registry().architectures[name] = ArchitectureSpec(name, builder, "test double")


def test_wrong_output_shape_and_nan_loss_become_error_rows(reviews_csv, tmp_path):
    import keras

    from zoo.blocks import functional_model, token_input

    def wrong_shape(input_spec, **hparams):
        tokens = token_input(input_spec)
        x = keras.layers.Embedding(input_spec.vocab_size, 4)(tokens)
        x = keras.layers.GlobalAveragePooling1D()(x)
        return functional_model(tokens, keras.layers.Dense(3, activation="softmax")(x), "wrong")

    def diverging(input_spec, **hparams):
        tokens = token_input(input_spec)
        x = keras.layers.Embedding(input_spec.vocab_size, 4)(tokens)
        x = keras.layers.GlobalAveragePooling1D()(x)
        x = keras.layers.Dense(1)(x)
        x = keras.layers.Lambda(lambda t: keras.ops.sigmoid(t * float("inf")))(x)
        return functional_model(tokens, x, "diverging")

    _register("wrong_shape", wrong_shape)
    _register("diverging", diverging)
    results = tmp_path / "results.csv"
    models = ("wrong_shape", "diverging", "cnn1d")
    rows = run_benchmark(tiny_plan(reviews_csv, results, models, epochs=2), report=lambda _: None)
    assert [row.status for row in rows] == ["error", "error", "ok"]
    assert "expected (None, 1)" in rows[0].error
    assert "NaN" in rows[1].error
    assert len(read_results(results)) == 3


def test_recurrent_dropout_on_a_gpu_is_called_out():
    note = slow_path_note("bilstm", {"recurrent_dropout": 0.2}, "NVIDIA H100 80GB HBM3")
    assert note is not None and "bilstm.recurrent_dropout=0" in note
    assert slow_path_note("bilstm", {"recurrent_dropout": 0.2}, "cpu (x86_64, 2 cores)") is None
    assert slow_path_note("bilstm", {"recurrent_dropout": 0.0}, "NVIDIA H100 80GB HBM3") is None


def _skips(messages: list[str]) -> int:
    return sum(message.startswith("skip:") for message in messages)


def test_resume_never_reuses_rows_of_other_data(reviews_csv, tmp_path):
    results = tmp_path / "results.csv"
    run_benchmark(tiny_plan(reviews_csv, results, epochs=1), report=lambda _: None)
    other = write_reviews_csv(tmp_path / "other.csv", seed=1)
    messages: list[str] = []
    resumed = tiny_plan(other, results, epochs=1)
    resumed.resume = True
    rows = run_benchmark(resumed, report=messages.append)
    assert _skips(messages) == 0
    first, second = read_results(results)
    assert first.data_fingerprint != second.data_fingerprint == rows[0].data_fingerprint
    assert (second.label_column, second.num_classes) == ("label", 2)
    again = tiny_plan(other, results, epochs=1)
    again.resume = True
    messages.clear()
    run_benchmark(again, report=messages.append)
    assert _skips(messages) == 1


def test_resume_reruns_a_new_version_of_the_plugin(reviews_csv, tmp_path):
    results = tmp_path / "results.csv"
    run_benchmark(tiny_plan(reviews_csv, results, epochs=1), report=lambda _: None)
    registry = get_registry()
    registry.architectures["cnn1d"] = dataclasses.replace(
        registry.architectures["cnn1d"], provider_version="9.9.9"
    )
    messages: list[str] = []
    resumed = tiny_plan(reviews_csv, results, epochs=1)
    resumed.resume = True
    rows = run_benchmark(resumed, report=messages.append)
    assert _skips(messages) == 0
    assert rows[0].provider == "keras-zoo 9.9.9"
    assert rows[0].config_hash != read_results(results)[0].config_hash
