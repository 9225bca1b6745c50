"""The results file: fixed columns, whole rows, nothing left behind by a killed writer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zoo.errors import ResultsFileError
from zoo.results import COLUMNS, append_result, read_results


def test_rows_round_trip_with_numbers_and_blanks(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, {"model": "cnn1d", "seed": 0, "test_accuracy": 0.875, "error": None})
    append_result(path, {"model": "lstm", "seed": 1, "learning_rate": 0.001})
    rows = read_results(path)
    assert [(row["model"], row["seed"]) for row in rows] == [("cnn1d", 0), ("lstm", 1)]
    assert rows[0]["test_accuracy"] == 0.875 and rows[0]["error"] is None
    assert rows[1]["learning_rate"] == 0.001 and set(rows[1]) == set(COLUMNS)


def test_a_truncated_last_line_is_refused_naming_it(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, {"model": "cnn1d", "seed": 0})
    path.write_text(path.read_text() + "2026-11-22T10:00:00+00:00,lstm\n")
    with pytest.raises(ResultsFileError, match="line 3 is truncated"):
        read_results(path)


def test_partial_files_of_killed_writers_are_removed(tmp_path):
    path = tmp_path / "r.csv"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    orphan = tmp_path / f".r.csv.{dead}.tmp"
    orphan.write_text("timestamp,model\n2026")
    append_result(path, {"model": "cnn1d", "seed": 0})
    assert not orphan.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]
