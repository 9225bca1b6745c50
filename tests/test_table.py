"""The comparison table on hand-made rows: means, sample std, order, empty cells, formats."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from zoo.bench.row import ResultRow
from zoo.report.table import render, render_by_data, summarize


def row(model, accuracy, seed=0, **extra):
    return ResultRow(
        **{
            "model": model,
            "provider": "keras-zoo 0.1.0",
            "backend": "tensorflow",
            "device": "cpu",
            "status": "ok",
            "error": None,
            "seed": seed,
            "test_accuracy": accuracy,
            "params": 1000,
            "epochs_run": 3,
            "train_seconds": 10.0,
            **extra,
        }
    )


ROWS = [
    row("cnn1d", 0.80, 0, epochs_run=9),
    row("cnn1d", 0.90, 1, epochs_run=10),
    row("cnn1d", 0.85, 2, epochs_run=10),
    row("lstm", 0.95, 0, latency_ms=None),
    row("bilstm", 0.70, 0),
]


def test_means_sample_std_and_best_first():
    summaries = summarize(ROWS)
    assert [s["model"] for s in summaries] == ["lstm", "cnn1d", "bilstm"]
    cnn = summaries[1]
    assert cnn["runs"] == 3
    assert cnn["test_accuracy"] == pytest.approx(0.85)
    assert cnn["test_accuracy_std"] == pytest.approx(0.05)  # n - 1; population std is 0.0408
    assert cnn["epochs_run"] == pytest.approx(29 / 3)
    assert summaries[0]["test_accuracy_std"] == 0.0


def test_error_rows_count_apart_and_show_their_message():
    failed = row("cnn1d", None, 3, status="error", error="RuntimeError: boom")
    summary = next(s for s in summarize([*ROWS, failed]) if s["model"] == "cnn1d")
    assert summary["runs"] == 3 and summary["test_accuracy"] == pytest.approx(0.85)
    assert summary["error"] == "RuntimeError: boom"
    assert "RuntimeError: boom" in render([*ROWS, failed])
    assert "error" not in render(ROWS).splitlines()[0]


def test_text_table_cells():
    lines = render(ROWS).splitlines()
    cnn = next(line for line in lines if line.startswith("cnn1d"))
    assert "85.00 ± 5.00" in cnn and " 9.7 " in cnn and "1,000" in cnn
    lstm = next(line for line in lines if line.startswith("lstm"))
    assert "95.00 " in lstm and "±" not in lstm and " - " in lstm  # latency missing
    assert lines[2].startswith("lstm")


def test_csv_cells_are_plain_numbers():
    table = list(csv.DictReader(io.StringIO(render(ROWS, "csv"))))
    assert [line["model"] for line in table] == ["lstm", "cnn1d", "bilstm"]
    cnn = table[1]
    assert float(cnn["test acc %"]) == pytest.approx(85.0)
    assert float(cnn["test acc std"]) == pytest.approx(5.0)
    assert cnn["params"] == "1000" and float(cnn["epochs"]) == pytest.approx(9.6667)
    assert table[0]["latency ms"] == "" and table[0]["test acc std"] == ""


def test_json_is_the_unrounded_summaries():
    parsed = json.loads(render(ROWS, "json"))
    assert parsed[1]["model"] == "cnn1d"
    assert parsed[1]["test_accuracy"] == pytest.approx(0.85)


def test_markdown_table():
    markdown = render(ROWS, "markdown")
    assert markdown.startswith("| model") and "85.00 ± 5.00" in markdown


def test_versions_and_providers_are_not_averaged_together():
    rows = [
        row("attention_bilstm", 0.8, provider="zoo-attention 0.1.0"),
        row("attention_bilstm", 0.9, provider="zoo-attention 0.2.0"),
    ]
    summaries = summarize(rows)
    assert [s["provider"] for s in summaries] == ["zoo-attention 0.2.0", "zoo-attention 0.1.0"]
    assert "zoo-attention 0.2.0" in render(rows).splitlines()[2]
    assert "provider" not in render(ROWS).splitlines()[0]  # only keras-zoo rows


def test_precision_column_only_when_a_model_trained_in_another():
    assert "precision" not in render([*ROWS, row("gru", 0.6, precision="float32")])
    mixed = [row("cnn1d", 0.9, precision="mixed_bfloat16"), row("lstm", 0.8, precision="float32")]
    lines = render(mixed).splitlines()
    assert "precision" in lines[0]
    assert "mixed_bfloat16" in lines[2] and "float32" in lines[3]


def configured(accuracy, seed, config, hparams, **extra):
    return row("bilstm", accuracy, seed, config_hash=config, hparams=hparams, **extra)


def test_runs_of_different_settings_are_lines_of_their_own_named_by_what_differs():
    rows = [
        configured(0.88, 0, "aaa", '{"units": 64}', epochs=3),
        configured(0.86, 1, "aaa", '{"units": 64}', epochs=3),
        configured(0.90, 0, "bbb", '{"units": 128}', epochs=3),
        configured(0.80, 0, "ccc", '{"units": 64}', epochs=4),
    ]
    summaries = {s["settings"]: s for s in summarize(rows)}
    assert set(summaries) == {"", "units=128", "epochs=4"}  # the usual settings need no label
    assert summaries[""]["runs"] == 2 and summaries[""]["test_accuracy"] == pytest.approx(0.87)
    assert summaries["units=128"]["test_accuracy"] == pytest.approx(0.90)
    table = render(rows)
    assert table.splitlines()[0].split()[:2] == ["model", "settings"]
    assert "units=128" in table and "epochs=4" in table
    assert "settings" not in render(rows[:2]).splitlines()[0]  # one configuration: no column


def test_two_settings_each_name_their_values_and_unseen_differences_name_the_run_key():
    pair = [
        configured(0.88, 0, "aaa", '{"units": 64}'),
        configured(0.90, 0, "bbb", '{"units": 128}'),
    ]
    assert {s["settings"] for s in summarize(pair)} == {"units=64", "units=128"}
    same_columns = [  # e.g. another learning-rate schedule, which no column records
        configured(0.88, 0, "aaa", '{"units": 64}'),
        configured(0.90, 0, "bbb", '{"units": 64}'),
    ]
    assert {s["settings"] for s in summarize(same_columns)} == {"run key aaa", "run key bbb"}


def test_a_path_setting_shows_its_file_name():
    rows = [
        configured(0.88, 0, "aaa", "{}", embeddings="/data/glove.6B.50d.txt.gz"),
        configured(0.90, 0, "bbb", "{}"),
    ]
    assert {s["settings"] for s in summarize(rows)} == {
        "embeddings=glove.6B.50d.txt.gz",
        "embeddings=-",
    }


def test_a_hyperparameter_older_runs_did_not_have_is_not_a_difference():
    rows = [
        configured(0.88, 0, "aaa", '{"units": 64}'),  # recorded before word_dropout existed
        configured(0.89, 0, "bbb", '{"units": 64, "word_dropout": 0.0}'),
        configured(0.90, 0, "ccc", '{"units": 64, "word_dropout": 0.1}'),
        configured(0.87, 0, "ddd", '{"units": 64, "word_dropout": 0.0}'),
    ]
    labels = sorted(s["settings"] for s in summarize(rows))
    assert labels == ["run key aaa", "run key bbb", "run key ddd", "word_dropout=0.1"]


def test_a_damaged_hyperparameter_cell_compares_the_columns_only():
    rows = [
        configured(0.88, 0, "aaa", "{not json", epochs=3),
        configured(0.9, 0, "bbb", "[]", epochs=4),
    ]
    assert {s["settings"] for s in summarize(rows)} == {"epochs=3", "epochs=4"}


def test_macro_f1_is_the_mean_of_the_classes_f1_scores():
    from zoo.train.outputs import macro_f1

    labels = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])  # F1: 1/2, 4/5, 2/3
    assert macro_f1(labels, predicted) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert macro_f1(np.array([1, 1]), np.array([1, 1])) == 1.0  # classes never seen: not counted


def test_macro_f1_is_shown_for_more_than_two_classes_or_imbalanced_ones():
    two = row("cnn1d", 0.9, num_classes=2, macro_f1=0.9)
    assert "macro F1" not in render([two])
    six = row("cnn1d", 0.9, num_classes=6, macro_f1=0.8512)
    assert "macro F1" in render([six]) and "85.12" in render([six])
    from zoo.bench.row import majority_share

    assert majority_share(np.array([0, 0, 0, 1])) == 0.75 and majority_share(np.array([])) is None
    skewed = row("cnn1d", 0.9, num_classes=2, macro_f1=0.61, majority_share=0.8)  # 80/20
    assert "macro F1" in render([skewed]) and "61.00" in render([skewed])


def test_the_table_says_how_many_epochs_ran_of_the_planned_and_why_they_stopped():
    rows = [
        row("cnn1d", 0.9, 0, epochs_run=12, epochs=40, stopped="early"),
        row("cnn1d", 0.9, 1, epochs_run=40, epochs=40, stopped="planned"),
        row("bilstm", 0.8, 0, epochs_run=3, epochs=3, stopped="planned"),
    ]
    lines = {line.split()[0]: line for line in render(rows).splitlines()[2:]}
    assert "26 of 40" in lines["cnn1d"] and "early in 1 of 2" in lines["cnn1d"]
    assert (
        " 3 " in lines["bilstm"] and "planned" in lines["bilstm"] and " of " not in lines["bilstm"]
    )


def test_rows_of_several_data_sets_are_one_table_each_and_weights_name_their_members():
    weights = {"method": "weighted", "weights": {"a": 0.75, "b": 0.25, "c": 0.0}}
    mean = {"method": "mean", "weights": {"a": 0.5, "b": 0.5, "c": 0.5}}
    rows = [
        row("a", 0.9, data_fingerprint="1" * 16, dataset="subj", config_hash="x"),
        row("a", 0.8, data_fingerprint="2" * 16, dataset="trec", config_hash="y"),
        row(
            "e",
            0.9,
            data_fingerprint="2" * 16,
            dataset="trec",
            hparams=json.dumps(weights),
            config_hash="w",
        ),
        row(
            "e",
            0.7,
            data_fingerprint="2" * 16,
            dataset="trec",
            hparams=json.dumps(mean),
            config_hash="m",
        ),
    ]
    text = render_by_data(rows, "markdown")
    assert text.startswith("### subj\n\n| model") and "\n\n### trec\n\n| model" in text
    assert "dataset=" not in text and "data_fingerprint" not in text
    assert "method=weighted, weights=a:0.75 b:0.25 |" in " ".join(text.split())
    assert render_by_data(rows, "csv") == render(rows, "csv")  # machine formats stay one table
