"""zoo bench --suite: several datasets, one table across them with mean ranks."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
from pathlib import Path

import pytest

from tests.clirun import invoke_zoo
from tests.conftest import write_reviews_csv
from zoo.bench.results import read_results
from zoo.bench.row import ResultRow
from zoo.bench.suite import load_suite
from zoo.report.ranks import ranks, render_suite


def _row(model: str, accuracy: float, seed: int = 0) -> ResultRow:
    return ResultRow(model=model, seed=seed, status="ok", test_accuracy=accuracy, config_hash=model)


def test_the_table_across_datasets_holds_means_and_mean_ranks_computed_by_hand():
    by_dataset = {
        "a": [_row("m1", 0.75), _row("m1", 0.875, 1), _row("m2", 0.875), _row("m3", 0.8125)],
        "b": [_row("m1", 0.7), _row("m2", 0.6), _row("m3", 0.5)],
    }
    # a: m2 0.875 (rank 1), m1 and m3 0.8125 (ranks 2 and 3 shared: 2.5); b: m1 1, m2 2, m3 3
    table = list(csv.DictReader(io.StringIO(render_suite(by_dataset, "csv"))))
    assert [row["model"] for row in table] == ["m2", "m1", "m3"]
    assert [float(row["mean rank"]) for row in table] == [1.5, 1.75, 2.75]
    assert [float(row["a %"]) for row in table] == [87.5, 81.25, 81.25]
    assert [float(row["b %"]) for row in table] == [60.0, 70.0, 50.0]
    text = render_suite(by_dataset)
    assert "81.25 ± 8.84" in text  # m1's two seeds on a
    assert ranks({"x": 0.5, "y": 0.5, "z": 0.4}) == {"x": 1.5, "y": 1.5, "z": 3.0}


def test_of_several_settings_the_table_shows_those_chosen_on_validation_not_on_test():
    def settings(key: str, validation: float, accuracy: float) -> ResultRow:
        return dataclasses.replace(
            _row("m1", accuracy), config_hash=key, best_val_accuracy=validation
        )

    # m1 ran twice on "a": settings x score better on test, y on validation; y stands for m1
    by_dataset = {"a": [settings("x", 0.80, 0.90), settings("y", 0.85, 0.70), _row("m2", 0.75)]}
    table = list(csv.DictReader(io.StringIO(render_suite(by_dataset, "csv"))))
    assert {row["model"]: float(row["a %"]) for row in table} == {"m1": 70.0, "m2": 75.0}
    assert [row["model"] for row in table] == ["m2", "m1"]


def _four_classes(path: Path, rows: int = 240) -> Path:
    """A headerless TSV of four topics, each with its own words."""
    words = {
        "sport": ["goal", "match", "team", "score"],
        "food": ["bread", "soup", "taste", "cook"],
        "music": ["song", "band", "guitar", "album"],
        "money": ["bank", "price", "market", "loan"],
    }
    rng = random.Random(0)
    filler = ["the", "a", "of", "and", "it", "was", "very", "today"]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            topic = list(words)[i % 4]
            text = rng.sample(words[topic], 2) + rng.sample(filler, 4)
            rng.shuffle(text)
            handle.write(f"{' '.join(text)}\t{topic}\n")
    return path


@pytest.mark.slow
def test_a_suite_of_three_datasets_runs_and_resumes(tmp_path):
    write_reviews_csv(tmp_path / "reviews.csv", flip_every=7)
    write_reviews_csv(tmp_path / "train.csv", n_test=0, seed=1, split_column=False)
    write_reviews_csv(tmp_path / "test.csv", n_train=0, seed=2, split_column=False)
    _four_classes(tmp_path / "topics.tsv")
    suite = tmp_path / "suite.toml"
    suite.write_text(
        '[[datasets]]\nname = "reviews"\ndata = "reviews.csv"\n'
        '[[datasets]]\nname = "split"\ndata = "train.csv"\ntest_data = "test.csv"\n'
        '[[datasets]]\nname = "topics"\ndata = "topics.tsv"\n'
    )
    assert [dataset.name for dataset in load_suite(suite)] == ["reviews", "split", "topics"]
    args = ["bench", "bow_logreg", "tfidf_logreg", "--suite", str(suite), "--max-tokens", "200"]
    args += ["--epochs", "3", "--quiet", "--format", "csv", "--results", str(tmp_path / "r.csv")]
    first = invoke_zoo(*args)
    assert first.returncode == 0, first.stderr
    table = list(csv.DictReader(io.StringIO(first.stdout)))
    assert sorted(row["model"] for row in table) == ["bow_logreg", "tfidf_logreg"]
    assert set(table[0]) == {"model", "reviews %", "split %", "topics %", "mean rank"}
    mean_ranks = [float(row["mean rank"]) for row in table]
    assert sum(mean_ranks) == pytest.approx(3.0) and mean_ranks == sorted(mean_ranks)
    rows = read_results(tmp_path / "r.csv")
    assert len(rows) == 6 and {row.num_classes for row in rows} == {2, 4}
    again = invoke_zoo(*args, "--resume")
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("skip:") == 6 and len(read_results(tmp_path / "r.csv")) == 6
    assert again.stdout == first.stdout
