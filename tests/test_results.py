"""The results file: fixed columns, whole rows, nothing left behind by a killed writer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zoo.bench.results import COLUMNS, append_result, read_results
from zoo.bench.row import ResultRow
from zoo.errors import ResultsFileError


def test_rows_round_trip_with_numbers_and_blanks(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, ResultRow(model="cnn1d", seed=0, test_accuracy=0.875, error=None))
    append_result(path, ResultRow(model="lstm", seed=1, learning_rate=0.001))
    rows = read_results(path)
    assert [(row.model, row.seed) for row in rows] == [("cnn1d", 0), ("lstm", 1)]
    assert rows[0].test_accuracy == 0.875 and rows[0].error is None
    assert rows[1].learning_rate == 0.001 and set(rows[1].as_dict()) == set(COLUMNS)


def test_a_truncated_last_line_is_refused_naming_it(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, ResultRow(model="cnn1d", seed=0))
    path.write_text(path.read_text() + "2026-11-22T10:00:00+00:00,lstm\n")
    with pytest.raises(ResultsFileError, match="line 3 is truncated"):
        read_results(path)


def test_a_partial_row_left_by_a_killed_writer_is_dropped_on_the_next_append(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, ResultRow(model="cnn1d", seed=0))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("2026-11-22T10:00:00+00:00,lstm,keras-zo")  # killed mid-row
    append_result(path, ResultRow(model="lstm", seed=1))
    assert [(row.model, row.seed) for row in read_results(path)] == [
        ("cnn1d", 0),
        ("lstm", 1),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_appending_keeps_earlier_lines_byte_for_byte(tmp_path):
    path = tmp_path / "r.csv"
    append_result(path, ResultRow(model="cnn1d", seed=0, test_accuracy=0.5))
    before = path.read_bytes()
    append_result(path, ResultRow(model="lstm", seed=0))
    assert path.read_bytes().startswith(before)


WRITER = """
import sys
from pathlib import Path
from zoo.bench.results import append_result
from zoo.bench.row import ResultRow
for seed in range(25):
    append_result(Path(sys.argv[1]), ResultRow(model=sys.argv[2], seed=seed))
"""


def test_two_writers_on_one_file_lose_no_row(tmp_path):
    path = tmp_path / "r.csv"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), model])
        for model in ("cnn1d", "lstm")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    rows = read_results(path)
    assert len(rows) == 50
    for model in ("cnn1d", "lstm"):
        assert sorted(row.seed for row in rows if row.model == model) == list(range(25))


def _earlier_file(path, rows: int = 1) -> list[str]:
    """A results file as the version before ``stopped`` and ``best_epoch`` wrote it."""
    header = [name for name in COLUMNS if name not in ("stopped", "best_epoch")]
    lines = [",".join(header)]
    for seed in range(rows):
        values = {"model": "cnn1d", "seed": str(seed), "status": "ok", "test_accuracy": "0.875"}
        lines.append(",".join(values.get(name, "") for name in header))
    path.write_text("\n".join(lines) + "\n")
    return header


def test_an_earlier_versions_file_is_read_and_upgraded_when_appended_to(tmp_path):
    path = tmp_path / "old.csv"
    _earlier_file(path)
    (old,) = read_results(path)
    assert (old.model, old.test_accuracy, old.stopped) == ("cnn1d", 0.875, None)
    append_result(path, ResultRow(model="lstm", seed=0, stopped="early", best_epoch=7))
    assert path.read_text().splitlines()[0] == ",".join(COLUMNS)
    first, second = read_results(path)
    assert first == old
    assert (second.model, second.stopped, second.best_epoch) == ("lstm", "early", 7)


def test_two_writers_upgrading_one_earlier_file_lose_no_row(tmp_path):
    path = tmp_path / "r.csv"
    _earlier_file(path, rows=3)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), model])
        for model in ("cnn1d", "lstm")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    rows = read_results(path)
    assert len(rows) == 53
    assert sorted(row.seed for row in rows if row.model == "lstm") == list(range(25))


def test_a_file_with_columns_of_no_version_is_refused_with_advice(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("timestamp,model,flavour\n")
    with pytest.raises(ResultsFileError, match="not a keras-zoo results file of this version"):
        read_results(path)
