"""The text files people have, loaded as given: separators, headers, encodings, lines per class."""

from __future__ import annotations

import json
import random

import pytest

from tests.clirun import invoke_zoo
from tests.conftest import make_review
from zoo.data.dataset import DatasetOptions
from zoo.data.sources import read_folder, read_source, read_table, text_lines
from zoo.errors import DatasetError


def _sentences(count: int, seed: int = 0) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    return [(make_review(rng, i % 2 == 1, length=6), i % 2) for i in range(count)]


def _headerless_tsv(path, count=120, encoding="utf-8"):
    lines = [f'{text} "quoted" \u2026 more\t{label}' for text, label in _sentences(count)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_a_headerless_tab_separated_txt_is_detected(tmp_path):
    data = read_table(_headerless_tsv(tmp_path / "sentences.txt"))
    assert len(data.train_texts) == 120 and data.class_names == ["0", "1"]
    assert (data.text_column, data.label_column) == ("0", "1")
    assert data.train_texts[0].endswith('"quoted" \u2026 more')  # quotes kept as text


def test_a_header_is_still_found_by_its_names_or_by_its_values(tmp_path):
    named = tmp_path / "named.txt"
    named.write_text("sentence\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in _sentences(20)))
    assert read_table(named).label_column == "label"
    custom = tmp_path / "custom.csv"
    custom.write_text("body,stars\n" + "".join(f"{t},{1 + y * 4}\n" for t, y in _sentences(20)))
    assert read_table(custom).class_names == ["1", "5"]  # 'stars' is no star value: a header


def test_sep_and_no_header_can_be_given(tmp_path):
    path = tmp_path / "semi.data"
    path.write_text("".join(f"{y};{t}\n" for t, y in _sentences(30)))
    data = read_table(path, DatasetOptions(sep=";", header=False, text_column="1"))
    assert data.label_column == "0" and len(data.train_texts) == 30


def test_a_legacy_encoding_says_how_to_read_it_and_then_reads(tmp_path):
    path = _headerless_tsv(tmp_path / "cp1252.tsv", encoding="cp1252")
    with pytest.raises(DatasetError, match=r"is not UTF-8 text .*; give its encoding, e.g. --enc"):
        read_table(path)
    data = read_table(path, DatasetOptions(encoding="cp1252"))
    assert "\u2026" in data.train_texts[0] and len(data.train_texts) == 120


def test_lines_split_on_newlines_only():
    assert text_lines("one \x85 line\r\ntwo\n") == ["one \x85 line", "two", ""]


def test_one_file_per_class_with_a_text_per_line(tmp_path):
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        rows = [t for t, y in _sentences(40) if y == label]
        (tmp_path / name).write_text("\n".join(rows) + "\n\n")
    data = read_folder(tmp_path)
    assert data.class_names == ["neg", "pos"] and len(data.train_texts) == 40


def test_class_files_named_by_suffix_under_train_and_test(tmp_path):
    for split in ("train", "test"):
        (tmp_path / split).mkdir()
        for label in ("pos", "neg"):
            (tmp_path / split / f"rt-polarity.{label}").write_text("good fun\nbad plot\n")
    data = read_folder(tmp_path)
    assert data.class_names == ["neg", "pos"]
    assert (len(data.train_texts), len(data.test_texts)) == (4, 4)


def test_an_unknown_layout_is_described(tmp_path):
    (tmp_path / "only.txt").write_text("one text\n")
    with pytest.raises(DatasetError, match=r"holds no training texts; expected <class>/\*\.txt"):
        read_source(tmp_path)


@pytest.mark.slow
def test_headerless_cp1252_file_trains_and_evaluates_end_to_end(tmp_path):
    data = _headerless_tsv(tmp_path / "sentences.txt", count=300, encoding="cp1252")
    run = tmp_path / "run"
    args = ("--data", str(data), "--encoding", "cp1252", "--max-tokens", "200")
    flags = ("--epochs", "5", "--out", str(run), "--quiet")
    trained = invoke_zoo("train", "bow_logreg", *args, *flags)
    assert trained.returncode == 0, trained.stderr
    evaluated = invoke_zoo("evaluate", str(run))
    assert evaluated.returncode == 0, evaluated.stderr
    recorded = json.loads((run / "metrics.json").read_text())["test_accuracy"]
    assert f"test accuracy {recorded * 100:.2f} % on 60 texts" in evaluated.stdout
    assert recorded > 0.9


def _write_tsv(path, rows):
    path.write_text("".join(f"{text}\t{label}\n" for text, label in rows))
    return path


def test_separate_test_and_validation_files_become_those_splits(tmp_path):
    from zoo.data.prepare import prepare_data
    from zoo.data.settings import DataSettings

    train = _write_tsv(tmp_path / "train.tsv", _sentences(200))
    dev = _write_tsv(tmp_path / "dev.tsv", _sentences(30, seed=1))
    val = _write_tsv(tmp_path / "val.tsv", _sentences(24, seed=2))
    common = {"dataset": "file", "path": str(train), "max_tokens": 100, "sequence_length": 16}
    data = prepare_data(DataSettings(**common, test_path=str(dev)))
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (180, 20, 30)
    assert data.dataset_name == "train.tsv + test-data dev.tsv"
    both = prepare_data(DataSettings(**common, test_path=str(dev), val_path=str(val)))
    assert (len(both.x_train), len(both.x_val), len(both.x_test)) == (200, 24, 30)
    assert (
        len({data.fingerprint, both.fingerprint, prepare_data(DataSettings(**common)).fingerprint})
        == 3
    )


def test_a_test_file_with_a_class_the_training_data_lacks_is_refused(tmp_path):
    from zoo.data.prepare import prepare_data
    from zoo.data.settings import DataSettings

    train = _write_tsv(tmp_path / "train.tsv", _sentences(40))
    odd = _write_tsv(tmp_path / "odd.tsv", [("fine", 0), ("so so", 7), ("good", 1), ("bad", 0)])
    settings = DataSettings("file", str(train), test_path=str(odd))
    with pytest.raises(DatasetError, match=r"--test-data odd\.tsv has the class '7', which the"):
        prepare_data(settings)


@pytest.mark.slow
def test_a_run_on_a_separate_test_file_is_evaluated_on_that_file(tmp_path):
    train = _write_tsv(tmp_path / "train.tsv", _sentences(300))
    dev = _write_tsv(tmp_path / "dev.tsv", _sentences(50, seed=3))
    run = tmp_path / "run"
    args = ("--data", str(train), "--test-data", str(dev), "--max-tokens", "200", "--quiet")
    trained = invoke_zoo("train", "bow_logreg", *args, "--epochs", "5", "--out", str(run))
    assert trained.returncode == 0, trained.stderr
    evaluated = invoke_zoo("evaluate", str(run))
    recorded = json.loads((run / "metrics.json").read_text())["test_accuracy"]
    assert f"test accuracy {recorded * 100:.2f} % on 50 texts" in evaluated.stdout
    results = tmp_path / "r.csv"
    benched = invoke_zoo("bench", "bow_logreg", *args, "--epochs", "1", "--results", str(results))
    assert benched.returncode == 0, benched.stderr
    assert "--test-data" in results.read_text() and "test-data dev.tsv" in results.read_text()


@pytest.mark.slow
def test_a_folder_of_class_files_trains_and_evaluates_end_to_end(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        rows = [text for text, y in _sentences(300) if y == label]
        (corpus / name).write_text("\n".join(rows) + "\n")
    run = tmp_path / "run"
    args = ("--data", str(corpus), "--max-tokens", "200", "--epochs", "5")
    trained = invoke_zoo("train", "bow_logreg", *args, "--out", str(run))  # not quiet: the summary
    assert trained.returncode == 0, trained.stderr
    assert (
        "2 classes (neg, pos)" in trained.stderr and "sequence length 16 (auto)" in trained.stderr
    )
    evaluated = invoke_zoo("evaluate", str(run))
    recorded = json.loads((run / "metrics.json").read_text())["test_accuracy"]
    assert f"test accuracy {recorded * 100:.2f} % on 60 texts" in evaluated.stdout
