"""The command line as a user runs it: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json

from tests.clirun import run_zoo


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
    result = run_zoo("info", "cnn_lstm")
    assert result.returncode == 0, result.stderr
    assert "pool_size" in result.stdout and "tutorial seed" in result.stdout
    assert "Total params" in result.stdout


def test_train_predict_evaluate_end_to_end(reviews_csv, tmp_path):
    run = tmp_path / "run"
    result = run_zoo(
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
    predicted = run_zoo("predict", str(run), "a wonderful superb great film", "awful boring worst")
    assert predicted.returncode == 0, predicted.stderr
    labels = [line.split("\t")[0] for line in predicted.stdout.splitlines()]
    assert labels == ["1", "0"]
    piped = run_zoo("predict", str(run), "--format", "json", stdin="loved it brilliant\n")
    assert json.loads(piped.stdout)[0]["label"] == "1"
    evaluated = run_zoo("evaluate", str(run))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "test accuracy" in evaluated.stdout and "100 texts" in evaluated.stdout


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
