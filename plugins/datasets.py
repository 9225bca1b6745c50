"""Built-in datasets: ``imdb`` (found or downloaded), and any ``file`` or ``folder`` given."""

from __future__ import annotations

from pathlib import Path

from zoo import DatasetOptions, DatasetSpec, TextDataset, hookimpl
from zoo.errors import DatasetError

IMDB_CLASS_NAMES = ["neg", "pos"]


def load_imdb(options: DatasetOptions) -> TextDataset:
    """The IMDB reviews with the official 25k/25k split, labels ``neg`` and ``pos``."""
    from zoo.data.imdb import locate_imdb
    from zoo.data.sources import read_source

    dataset = read_source(locate_imdb(options.path), options)
    if dataset.class_names == ["0", "1"]:
        dataset.class_names = IMDB_CLASS_NAMES
    dataset.name = "imdb"
    return dataset


def imdb_fingerprint(options: DatasetOptions) -> str:
    from zoo.data.imdb import locate_imdb
    from zoo.data.sources import file_fingerprint

    return file_fingerprint(locate_imdb(options.path))


def load_file(options: DatasetOptions) -> TextDataset:
    """A CSV, TSV or parquet file with a text and a label column (and optional ``split``)."""
    from zoo.data.sources import read_source

    path = _required_path(options, "file")
    if path.is_dir():
        raise DatasetError(f"{path} is a folder; use --dataset folder")
    return read_source(path, options)


def load_folder(options: DatasetOptions) -> TextDataset:
    """A tree of ``train/<class>/*.txt`` and ``test/<class>/*.txt`` (or ``<class>/*.txt``)."""
    from zoo.data.sources import read_source

    path = _required_path(options, "folder")
    if not path.is_dir():
        raise DatasetError(f"{path} is not a folder; use --dataset file")
    return read_source(path, options)


def path_fingerprint(options: DatasetOptions) -> str:
    from zoo.data.sources import file_fingerprint

    return file_fingerprint(_required_path(options, "this"))


def _required_path(options: DatasetOptions, kind: str) -> Path:
    if not options.path:
        raise DatasetError(f"the {kind} dataset needs --data PATH")
    path = Path(options.path).expanduser()
    if not path.exists():
        raise DatasetError(f"data not found: {path} does not exist")
    return path


@hookimpl
def zoo_register_datasets(register):
    register(
        DatasetSpec(
            "imdb",
            load_imdb,
            "IMDB movie reviews, 25,000 train / 25,000 test (Maas et al. 2011)",
            fingerprint=imdb_fingerprint,
        )
    )
    register(
        DatasetSpec(
            "file",
            load_file,
            "a delimited text (CSV, TSV, .txt) or parquet file given with --data",
            fingerprint=path_fingerprint,
        )
    )
    register(
        DatasetSpec(
            "folder",
            load_folder,
            "a folder of class folders or of class files, given with --data",
            fingerprint=path_fingerprint,
        )
    )
