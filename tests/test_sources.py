"""Reading datasets, and every kind of bad input a user can hand the readers."""

import gzip
import io
import tarfile

import numpy as np
import pytest

from zoo import DatasetError
from zoo.data.dataset import DatasetOptions
from zoo.data.sources import read_folder, read_source, read_table, read_tarball


def test_csv_with_split_column(reviews_csv):
    data = read_table(reviews_csv)
    assert len(data.train_texts) == 200 and len(data.test_texts) == 100
    assert data.class_names == ["0", "1"]
    assert set(np.unique(data.train_labels)) == {0, 1}


def test_tsv_with_named_columns_and_text_labels(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text("body\tmood\nnice one\tPositive\nawful\tNegative\nok fine\tPositive\n")
    data = read_table(path, DatasetOptions(text_column="body", label_column="mood"))
    assert data.class_names == ["Negative", "Positive"]
    assert data.train_labels.tolist() == [1, 0, 1]


def test_multiclass_labels_keep_their_mapping(tmp_path):
    path = tmp_path / "topics.csv"
    path.write_text("text,label\na,sport\nb,politics\nc,art\nd,sport\n")
    data = read_table(path)
    assert data.class_names == ["art", "politics", "sport"]
    assert data.train_labels.tolist() == [2, 1, 0, 2]


def test_gzipped_csv(tmp_path, reviews_csv):
    path = tmp_path / "reviews.csv.gz"
    path.write_bytes(gzip.compress(reviews_csv.read_bytes()))
    assert len(read_table(path).train_texts) == 200


def test_empty_and_nan_texts_are_dropped_and_counted(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text('text,label\ngood,1\n,0\n"   ",1\nbad,0\nfine,\n')
    data = read_table(path)
    assert data.train_texts == ["good", "bad"]
    assert data.notes == ["dropped 3 train rows with an empty or missing text or label"]


def test_folder_per_class_with_unsup_skipped(tmp_path):
    for split in ("train", "test"):
        for label, text in (("pos", "loved it"), ("neg", "hated it"), ("unsup", "who knows")):
            folder = tmp_path / "aclImdb" / split / label
            folder.mkdir(parents=True)
            (folder / "0_1.txt").write_text(text)
    data = read_folder(tmp_path / "aclImdb")
    assert data.class_names == ["neg", "pos"]
    assert sorted(data.train_texts) == ["hated it", "loved it"]
    assert len(data.test_texts) == 2


def make_tarball(path, reviews):
    with tarfile.open(path, "w:gz") as archive:
        for name, text in reviews.items():
            raw = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return path


def test_tarball(tmp_path):
    path = make_tarball(
        tmp_path / "aclImdb_v1.tar.gz",
        {
            "aclImdb/train/pos/0_9.txt": "great",
            "aclImdb/train/neg/0_1.txt": "awful",
            "aclImdb/train/unsup/0_0.txt": "meh",
            "aclImdb/test/pos/0_8.txt": "fine",
            "aclImdb/test/neg/0_2.txt": "bad",
            "aclImdb/README": "readme",
        },
    )
    data = read_tarball(path)
    assert sorted(data.train_texts) == ["awful", "great"]
    assert sorted(data.test_texts) == ["bad", "fine"]
    assert read_source(path).fingerprint


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.csv", "does not exist"),
        (b"", "empty.csv", "is empty"),
        (b"text,label\n", "header.csv", "holds no training texts"),
        (b"\x1f\x8b\x08\x00garbage", "bad.csv.gz", "damaged compressed file"),
        (b"text,label\n\xff\xfe broken,1\nok,0\n", "latin.csv", "not UTF-8"),
        (b"id,words,stars\nx,hi,1\n", "columns.csv", "columns present: id, words, stars"),
        (b"text,label\na,1\nb,1\n", "oneclass.csv", "one value only"),
        (b"text,label,split\na,1,train\nb,0,dev\n", "split.csv", "train or test"),
    ],
)
def test_bad_files_raise_one_clear_error(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetError, match=message) as info:
        read_source(path)
    assert "\n" not in str(info.value)


def test_named_column_that_is_missing(reviews_csv):
    with pytest.raises(DatasetError, match="no column 'body'; columns present: text, label, split"):
        read_table(reviews_csv, DatasetOptions(text_column="body"))


def test_undecodable_file_in_folder(tmp_path):
    folder = tmp_path / "pos"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"\xff\xfe\xfa")
    (tmp_path / "neg").mkdir()
    with pytest.raises(DatasetError, match="not UTF-8"):
        read_folder(tmp_path)


def test_label_first_lines_read_whole_or_coarse_labels(tmp_path):
    path = tmp_path / "train.label"
    lines = ["DESC:manner How did serfdom develop ?", "NUM:dist How far is Aspen ?", ""]
    path.write_bytes(
        ("\n".join([*lines, "HUM:ind Who named the sister\xf0city ?"])).encode("latin-1")
    )
    coarse = read_source(path, DatasetOptions(encoding="latin-1", label_first="coarse"))
    assert coarse.class_names == ["DESC", "HUM", "NUM"]
    assert coarse.train_texts[0] == "How did serfdom develop ?"
    assert "sister\xf0city" in coarse.train_texts[2]
    whole = read_source(path, DatasetOptions(encoding="latin-1", label_first="whole"))
    assert whole.class_names == ["DESC:manner", "HUM:ind", "NUM:dist"]
    fasttext = tmp_path / "reviews.txt"
    fasttext.write_text("__label__pos a fine film\n__label__neg dull\n")
    read = read_source(fasttext, DatasetOptions(label_first="whole"))
    assert read.class_names == ["neg", "pos"] and read.train_texts == ["a fine film", "dull"]
    fasttext.write_text("__label__pos a fine film\njustoneword\n")
    with pytest.raises(DatasetError, match="line 2 is not LABEL TEXT"):
        read_source(fasttext, DatasetOptions(label_first="whole"))


def test_files_that_document_a_folder_are_not_classes(tmp_path):
    (tmp_path / "quote.tok.gt9.5000").write_bytes(
        "a caf\xe9 scene , sharp .\nwitty\n".encode("cp1252")
    )
    (tmp_path / "plot.tok.gt9.5000").write_text("he leaves home .\nshe returns .\n")
    (tmp_path / "subjdata.README.1.0").write_text("about the data\n")
    (tmp_path / "NOTE.md").write_text("# where it came from\n")
    dataset = read_folder(tmp_path, encoding="cp1252")
    assert dataset.class_names == ["plot", "quote"] and len(dataset.train_texts) == 4
    assert "caf\xe9" in dataset.train_texts[2]
