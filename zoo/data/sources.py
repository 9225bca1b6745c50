"""Readers for text datasets: a table file (CSV, TSV, parquet), a folder per class, a tarball."""

from __future__ import annotations

import gzip
import hashlib
import re
import tarfile
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from zoo.data.dataset import TextDataset
from zoo.errors import DatasetError, one_line

TEXT_COLUMNS = ("text", "review", "sentence", "content", "body")
LABEL_COLUMNS = ("label", "sentiment", "target", "class", "category")
NEGATIVE_FIRST = ({"neg", "pos"}, {"negative", "positive"})
UNLABELED_FOLDERS = {"unsup"}
_SPLIT_MEMBER = re.compile(r"(?:^|/)(train|test)/([^/]+)/[^/]+\.txt$")


def file_fingerprint(path: Path) -> str:
    """sha256 of a file's bytes, or of every file under a folder (names and bytes)."""
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(path) if path.is_dir() else "").encode())
            with open(file, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def read_table(
    path: Path, text_column: str | None = None, label_column: str | None = None
) -> TextDataset:
    """Read a CSV/TSV (optionally gzipped) or parquet file with a text and a label column."""
    import pandas as pd

    _check_exists(path)
    suffixes = [s.lower() for s in path.suffixes]
    try:
        if ".parquet" in suffixes:
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep="\t" if ".tsv" in suffixes else ",", dtype=str)
    except ImportError as exc:
        raise DatasetError(f"reading {path.name} needs pyarrow: pip install pyarrow") from exc
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise DatasetError(
            f"{path} is a damaged compressed file ({exc}); get a fresh copy"
        ) from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except pd.errors.EmptyDataError as exc:
        raise DatasetError(f"{path} is empty") from exc
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DatasetError(f"cannot parse {path}: {one_line(exc)}") from exc
    text_col = _pick_column(frame, text_column, TEXT_COLUMNS, "text", path)
    label_col = _pick_column(frame, label_column, LABEL_COLUMNS, "label", path)
    if "split" in frame.columns:
        splits = frame["split"].astype(str).str.lower()
        unknown = sorted(set(splits) - {"train", "test"})
        if unknown:
            raise DatasetError(
                f"{path}: column 'split' may hold train or test, found {unknown[:3]}"
            )
        train, test = frame[splits == "train"], frame[splits == "test"]
    else:
        train, test = frame, frame.iloc[0:0]
    dataset = build_dataset(
        list(train[text_col]),
        list(train[label_col]),
        list(test[text_col]),
        list(test[label_col]),
        name=path.name,
        fingerprint="",
    )
    dataset.text_column, dataset.label_column = text_col, label_col
    return dataset


def _pick_column(frame, wanted: str | None, usual: Iterable[str], role: str, path: Path) -> str:
    present = [str(c) for c in frame.columns]
    if wanted is not None:
        if wanted not in present:
            raise DatasetError(
                f"{path.name} has no column '{wanted}'; columns present: {', '.join(present)}"
            )
        return wanted
    for name in usual:
        if name in present:
            return name
    raise DatasetError(
        f"{path.name} has no {role} column; columns present: {', '.join(present)}; "
        f"name it with --{role}-column"
    )


def read_folder(path: Path) -> TextDataset:
    """Read ``train/<class>/*.txt`` and ``test/<class>/*.txt``, or ``<class>/*.txt`` alone."""
    _check_exists(path)
    roots = {split: path / split for split in ("train", "test") if (path / split).is_dir()}
    if not roots:
        roots = {"train": path}
    parts: dict[str, tuple[list[str], list[str]]] = {}
    for split, root in roots.items():
        texts: list[str] = []
        labels: list[str] = []
        for class_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            if class_dir.name in UNLABELED_FOLDERS:
                continue
            for file in sorted(class_dir.glob("*.txt")):
                texts.append(_decode(file.read_bytes(), file))
                labels.append(class_dir.name)
        parts[split] = (texts, labels)
    test = parts.get("test", ([], []))
    return build_dataset(*parts["train"], *test, name=path.name, fingerprint="")


def read_tarball(path: Path) -> TextDataset:
    """Read an aclImdb-style tarball: members ``*/train/<class>/*.txt`` and ``*/test/…``."""
    _check_exists(path)
    parts: dict[str, tuple[list[str], list[str]]] = {"train": ([], []), "test": ([], [])}
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                match = _SPLIT_MEMBER.search(member.name)
                if not member.isfile() or not match or match.group(2) in UNLABELED_FOLDERS:
                    continue
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                texts, labels = parts[match.group(1)]
                texts.append(_decode(handle.read(), Path(member.name)))
                labels.append(match.group(2))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DatasetError(f"{path} is not a readable tar archive ({exc})") from exc
    return build_dataset(*parts["train"], *parts["test"], name=path.name, fingerprint="")


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise DatasetError(f"data not found: {path} does not exist")


def build_dataset(
    train_texts: list,
    train_labels: list,
    test_texts: list,
    test_labels: list,
    name: str,
    fingerprint: str,
) -> TextDataset:
    """Drop empty texts (counted), map labels to 0..K-1 and check that two classes or more exist."""
    notes: list[str] = []
    train_texts, train_labels = _drop_empty(train_texts, train_labels, "train", notes)
    test_texts, test_labels = _drop_empty(test_texts, test_labels, "test", notes)
    if not train_texts:
        raise DatasetError(f"{name} holds no training texts")
    class_names = class_order(set(train_labels) | set(test_labels))
    if len(class_names) < 2:
        raise DatasetError(
            f"{name}: the label column has one value only ({class_names[0]!r}); "
            "a classifier needs two classes or more"
        )
    index = {label: i for i, label in enumerate(class_names)}
    return TextDataset(
        train_texts=train_texts,
        train_labels=np.array([index[label] for label in train_labels], dtype=np.int32),
        test_texts=test_texts,
        test_labels=np.array([index[label] for label in test_labels], dtype=np.int32),
        class_names=class_names,
        fingerprint=fingerprint,
        name=name,
        notes=notes,
    )


def _drop_empty(texts: list, labels: list, split: str, notes: list[str]) -> tuple[list, list]:
    keep = [
        i
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
        if isinstance(text, str) and text.strip() and _present(label)
    ]
    dropped = len(texts) - len(keep)
    if dropped:
        notes.append(f"dropped {dropped:,} {split} rows with an empty or missing text or label")
    return [texts[i] for i in keep], [_label_text(labels[i]) for i in keep]


def _present(label: object) -> bool:
    return (
        label is not None
        and not (isinstance(label, float) and np.isnan(label))
        and (str(label).strip() != "")
    )


def _label_text(label: object) -> str:
    text = str(label).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].lstrip("-").isdigit() else text


def class_order(labels: set[str]) -> list[str]:
    """Negative before positive, numbers numerically, anything else alphabetically."""
    lowered = {label.lower() for label in labels}
    for pair in NEGATIVE_FIRST:
        if lowered == pair:
            return sorted(labels, key=lambda label: label.lower())
    if all(label.lstrip("-").isdigit() for label in labels):
        return sorted(labels, key=int)
    return sorted(labels)


def read_source(
    path: Path, text_column: str | None = None, label_column: str | None = None
) -> TextDataset:
    """Read ``path`` with the reader its kind calls for: tarball, folder or table file."""
    name = path.name.lower()
    if path.is_dir():
        dataset = read_folder(path)
    elif name.endswith((".tar.gz", ".tgz", ".tar")):
        dataset = read_tarball(path)
    else:
        dataset = read_table(path, text_column, label_column)
    dataset.fingerprint = file_fingerprint(path)
    return dataset
