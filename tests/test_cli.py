"""The command line as a user runs it: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def zoo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", "zoo", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=300,
    )


def test_version_and_list_json():
    assert zoo("--version").stdout.startswith("keras-zoo, version")
    items = json.loads(zoo("list", "cnn*", "--format", "json").stdout)
    assert [item["name"] for item in items] == ["cnn1d", "cnn_lstm"]
    assert items[0]["provider"].startswith("keras-zoo")


def test_plugins_json_shows_status():
    items = json.loads(zoo("plugins", "--format", "json").stdout)
    assert {item["status"] for item in items} == {"ok"}
    assert any("imdb (dataset)" in item["provides"] for item in items)


def test_info_shows_hparams_and_parameter_count():
    result = zoo("info", "cnn_lstm")
    assert result.returncode == 0, result.stderr
    assert "pool_size" in result.stdout and "tutorial seed" in result.stdout
    assert "Total params" in result.stdout


def test_train_predict_evaluate_end_to_end(reviews_csv, tmp_path):
    run = tmp_path / "run"
    result = zoo(
        "train",
        "cnn1d",
        "--data",
        str(reviews_csv),
        "--max-tokens",
        "200",
        "--sequence-length",
        "24",
        "--epochs",
        "8",
        "--set",
        "embedding_dim=16",
        "--out",
        str(run),
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in run.iterdir()) == [
        "config.json",
        "history.json",
        "metrics.json",
        "model.keras",
        "vectorizer.json",
    ]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.8
    predicted = zoo("predict", str(run), "a wonderful superb great film", "awful boring worst")
    assert predicted.returncode == 0, predicted.stderr
    labels = [line.split("\t")[0] for line in predicted.stdout.splitlines()]
    assert labels == ["1", "0"]
    piped = zoo("predict", str(run), "--format", "json", stdin="loved it brilliant\n")
    assert json.loads(piped.stdout)[0]["label"] == "1"
    evaluated = zoo("evaluate", str(run))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "test accuracy" in evaluated.stdout and "100 texts" in evaluated.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", "lstn"], "did you mean lstm"),
        (["bench"], "name at least one architecture"),
        (["bench", "nothing*"], "no architecture matches 'nothing*'"),
        (["bench", "lstm", "--set", "units=wide"], "'units' must be int"),
        (["bench", "lstm", "--set", "lstm.unitz=3"], "unknown hyperparameter 'unitz'"),
        (["bench", "lstm", "--recipe", "nope"], "unknown recipe 'nope'"),
        (["bench", "lstm", "--data", "/no/such/file.csv"], "does not exist"),
        (["bench", "lstm", "--sequence-length", "0"], "sequence_length must be positive"),
        (["bench", "lstm", "--max-tokens", "-5"], "max_tokens must be greater than 2"),
        (["bench", "lstm", "--backends", "theano"], "--backends takes"),
        (["predict", "/no/run"], "not a run directory"),
        (["evaluate", "/no/run"], "not a run directory"),
        (["bench", "cnn1d", "--config", "{bad_toml}"], "not valid TOML"),
        (["bench", "cnn1d", "--results", "{foreign}"], "not a keras-zoo results file"),
        (["bench", "cnn1d", "--data", "{csv}", "--text-column", "body"], "no column 'body'"),
        (["bench", "cnn1d", "--data", "{csv}", "--embeddings", "{mixed}"], "mixes dimensions"),
        (["train", "cnn1d", "--data", "{csv}", "--out", "{csv}"], "is a file"),
        (["train", "cnn1d", "--epochs", "many", "--out", "x"], "'many' is not a valid integer"),
        (["bench", "cnn1d", "--format", "xml"], "'xml' is not one of"),
        (["new-plugin", "Bad-Name"], "lowercase identifier"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, reviews_csv, tmp_path):
    files = {
        "csv": reviews_csv,
        "bad_toml": tmp_path / "bad.toml",
        "foreign": tmp_path / "foreign.csv",
        "mixed": tmp_path / "vectors.txt",
    }
    files["bad_toml"].write_text("[train\n")
    files["foreign"].write_text("a,b\n1,2\n")
    files["mixed"].write_text("great 1 2 3\nawful 1 2\n")
    args = [arg.format(**files) for arg in args]
    result = zoo(*args, stdin="")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and "Traceback" not in result.stderr


def test_debug_shows_the_traceback():
    result = zoo("--debug", "info", "lstn")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_backends_run_in_their_own_process_and_share_one_table(reviews_csv, tmp_path):
    result = zoo(
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
