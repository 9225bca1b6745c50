"""The command line as a user runs it: exit codes, one-line errors, a trained run served by a
new process. Subprocesses where the process is what is tested; in this process where a command's
work is (``tests/clirun.py``)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.clirun import invoke_zoo, run_zoo
from tests.conftest import write_reviews_csv
from zoo.backend import START_UP_NOISE
from zoo.train.folder import read_run

pytestmark = pytest.mark.slow  # subprocesses that import Keras and train

TOY = ["--max-tokens", "200", "--sequence-length", "24", "--set", "embedding_dim=16"]


def test_version_and_list_json():
    assert run_zoo("--version").stdout.startswith("keras-zoo, version")
    items = json.loads(run_zoo("list", "cnn*", "--format", "json").stdout)
    assert [item["name"] for item in items] == ["cnn1d", "cnn_lstm"]
    assert items[0]["provider"].startswith("keras-zoo")


def test_plugins_json_shows_status():
    items = json.loads(run_zoo("plugins", "--format", "json").stdout)
    assert {item["status"] for item in items} == {"ok"}
    assert any("imdb (dataset)" in item["provides"] for item in items)


def test_info_shows_hparams_and_parameter_count():
    result = invoke_zoo("info", "cnn_lstm")
    assert result.returncode == 0, result.stderr
    assert "pool_size" in result.stdout and "tutorial seed" in result.stdout
    assert "Total params" in result.stdout
    nbsvm = invoke_zoo("info", "nbsvm").stdout
    assert re.search(r"buckets +int +4194304 ", nbsvm), nbsvm  # as written, not 4.1943e+06


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A cnn1d trained by ``zoo train`` on the toy reviews, for the tests that read it (they
    share one xdist worker, so it is trained once)."""
    folder = tmp_path_factory.mktemp("trained")
    data = write_reviews_csv(folder / "reviews.csv")
    run = folder / "run"
    args = ["train", "cnn1d", "--data", str(data), *TOY, "--epochs", "8"]
    result = invoke_zoo(*args, "--out", str(run), "--quiet")
    assert result.returncode == 0, result.stderr
    return run


@pytest.mark.xdist_group("trained_run")
def test_train_predict_evaluate_end_to_end(trained_run):
    run = trained_run
    assert sorted(p.name for p in run.iterdir()) == [
        "config.json",
        "history.json",
        "metrics.json",
        "model.keras",
        "outputs.npz",
        "vectorizer.json",
    ]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.8
    outputs = read_run(run).outputs()  # what a saved ensemble is fitted on
    assert outputs.correct.mean() == pytest.approx(metrics["test_accuracy"])
    assert len(outputs.val_labels) == len(outputs.val_probabilities) > 0
    texts = ["a wonderful superb great film", "awful boring worst"]
    predicted = run_zoo("predict", str(run), *texts)  # a new process serves the saved run
    assert predicted.returncode == 0, predicted.stderr
    labels = [line.split("\t")[0] for line in predicted.stdout.splitlines()]
    assert labels == ["1", "0"]
    piped = invoke_zoo("predict", str(run), "--format", "json", stdin="loved it brilliant\n")
    assert json.loads(piped.stdout)[0]["label"] == "1"
    evaluated = invoke_zoo("evaluate", str(run))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "test accuracy" in evaluated.stdout and "100 texts" in evaluated.stdout


def test_train_and_bench_give_the_same_row(tmp_path, monkeypatch):
    """One run function: ``zoo train`` and a bench (``run_benchmark``, what ``zoo bench``
    calls) train the same run to the same digits, here with punctuation kept as tokens."""
    from zoo.bench.driver import BenchPlan, run_benchmark
    from zoo.bench.results import read_results
    from zoo.config import assemble_config

    data = write_reviews_csv(tmp_path / "reviews.csv", flip_every=7)
    flags = ["--data", str(data), *TOY, "--epochs", "2", "--punctuation", "keep", "--quiet"]
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path))
    trained = invoke_zoo("train", "cnn1d", *flags, "--out", str(tmp_path / "run"))
    assert trained.returncode == 0, trained.stderr
    settings = {"path": str(data), "max_tokens": 200, "sequence_length": "24", "epochs": 2,
                "punctuation": "keep"}  # fmt: skip
    config = assemble_config(**settings, assignments=["embedding_dim=16"])  # the flags above
    results = tmp_path / "results.csv"
    run_benchmark(BenchPlan(["cnn1d"], config, results, verbose=0), lambda _: None)
    (row,) = read_results(results)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    recorded = json.loads((tmp_path / "run" / "config.json").read_text())
    assert row.config_hash == recorded["config_hash"]
    assert row.punctuation == "keep" == read_run(tmp_path / "run").vectorizer.punctuation
    assert (row.params, row.epochs_run) == (metrics["params"], metrics["epochs_run"])
    assert row.test_accuracy == metrics["test_accuracy"]
    assert row.best_val_accuracy == metrics["best_val_accuracy"]


def test_debug_shows_the_traceback():
    result = run_zoo("--debug", "info", "lstn")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_backends_run_in_their_own_process_and_share_one_table(reviews_csv, tmp_path):
    result = run_zoo(
        "bench",
        "cnn1d",
        "--backends",
        "tensorflow",
        "--data",
        str(reviews_csv),
        "--max-tokens",
        "200",
        "--sequence-length",
        "24",
        "--epochs",
        "2",
        "--quiet",
        "--set",
        "embedding_dim=16",
        "--results",
        str(tmp_path / "r.csv"),
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header.startswith("model,params,test acc %")
    assert row.startswith("cnn1d,") and ",tensorflow," in row


def test_bench_stdout_is_exactly_the_json_and_stderr_has_no_framework_noise(reviews_csv, tmp_path):
    """nbsvm adapts two layers: with cnn1d, enough inference shapes that TensorFlow warned
    about retracing when each traced anew."""
    results = tmp_path / "r.csv"
    args = ["bench", "cnn1d", "nbsvm", "--data", str(reviews_csv), *TOY, "--epochs", "2"]
    result = run_zoo(*args, "--results", str(results), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)  # Keras's progress went to stderr
    assert {row["model"] for row in rows} == {"cnn1d", "nbsvm"}
    assert "Epoch 1/2" in result.stderr
    assert f"zoo: 2 row(s) in {results}" in result.stderr
    noise = [line for line in result.stderr.splitlines() if START_UP_NOISE.match(line)]
    assert not noise and "oneDNN" not in result.stderr
    assert "WARNING" not in result.stderr and "retracing" not in result.stderr


def test_bench_csv_cells_are_numbers(reviews_csv, tmp_path):
    args = ["bench", "cnn1d", "--data", str(reviews_csv), *TOY, "--epochs", "1", "--quiet"]
    result = invoke_zoo(*args, "--results", str(tmp_path / "r.csv"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert int(row["params"]) > 1000 and 0 <= float(row["test acc %"]) <= 100


def test_evaluate_scores_the_test_rows_train_scored(tmp_path, monkeypatch):
    """No split column and a --limit: both commands must hold out the same rows."""
    write_reviews_csv(tmp_path / "nosplit.csv", split_column=False, flip_every=7)
    run = tmp_path / "run"
    args = ["train", "cnn1d", "--data", "nosplit.csv", *TOY, "--limit", "150", "--epochs", "3"]
    monkeypatch.chdir(tmp_path)  # a relative path
    trained = invoke_zoo(*args, "--out", str(run), "--quiet")
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads((run / "metrics.json").read_text())
    monkeypatch.chdir(tmp_path.parent)  # evaluate, run elsewhere, finds the data train read
    evaluated = invoke_zoo("evaluate", str(run))
    assert evaluated.returncode == 0, evaluated.stderr
    expected = f"test accuracy {metrics['test_accuracy'] * 100:.2f} % on 60 texts"
    assert expected in evaluated.stdout and expected in trained.stdout
    assert metrics["test_accuracy"] < 1.0  # the flipped labels make a wrong split visible


@pytest.mark.xdist_group("trained_run")
def test_evaluate_on_other_data_uses_its_whole_test_split(trained_run, tmp_path):
    other = write_reviews_csv(tmp_path / "other.csv", n_test=80, seed=3)
    evaluated = invoke_zoo("evaluate", str(trained_run), "--data", str(other))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "on 80 texts" in evaluated.stdout


def test_too_little_data_is_one_line_and_no_row(tmp_path):
    tiny = write_reviews_csv(tmp_path / "tiny.csv", n_train=4, n_test=0, split_column=False)
    results = tmp_path / "r.csv"
    result = run_zoo("bench", "cnn1d", "--data", str(tiny), *TOY, "--results", str(results))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "zoo: error: tiny.csv: 4 training rows are too few for a validation split; "
        "give more rows or a larger --limit"
    ]
    assert not results.exists()
