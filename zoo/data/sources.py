"""Readers for text datasets: a table file (CSV, TSV, parquet), a folder per class, a tarball."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import tarfile
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from zoo.data.dataset import DatasetOptions, TextDataset
from zoo.errors import DatasetError, one_line

TEXT_COLUMNS = ("text", "review", "sentence", "content", "body")
LABEL_COLUMNS = ("label", "sentiment", "target", "class", "category")
NEGATIVE_FIRST = ({"neg", "pos"}, {"negative", "positive"})
UNLABELED_FOLDERS = {"unsup"}
FASTTEXT_PREFIX = "__label__"
# files beside the data that describe it (a dataset's README, a NOTE.md): never a class
DOCUMENTATION = ("readme", "note", "license", "licence", "changelog")
DOCUMENTATION_SUFFIXES = (".md", ".rst", ".html", ".pdf")
_SPLIT_MEMBER = re.compile(r"(?:^|/)(train|test)/([^/]+)/[^/]+\.txt$")
SEPARATORS = ",\t;|"
SNIFF_LINES = 50
LAYOUTS = (
    "<class>/*.txt (one text per file), train/<class>/*.txt and test/<class>/*.txt, "
    "or one file per class with one text per line (pos.txt, neg.txt; also under train/ and test/)"
)


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


def read_table(path: Path, options: DatasetOptions | None = None) -> TextDataset:
    """Read a CSV/TSV/other delimited text file (optionally gzipped) or a parquet file.

    The separator (``options.sep``) and whether the first row names the columns
    (``options.header``) are detected when not given; a file without a header has columns
    ``0``, ``1``, ... and its text and label columns are found by their content.
    """
    import pandas as pd

    options = options or DatasetOptions()
    _check_exists(path)
    if options.label_first:
        return read_label_first(path, options)
    suffixes = [s.lower() for s in path.suffixes]
    if ".parquet" in suffixes:
        try:
            frame = pd.read_parquet(path)
        except ImportError as exc:
            raise DatasetError(f"reading {path.name} needs pyarrow: pip install pyarrow") from exc
        except (ValueError, OSError) as exc:
            raise DatasetError(f"cannot parse {path}: {one_line(exc)}") from exc
        header = True
    else:
        text = read_text(path, options.encoding)
        if not text.strip():
            raise DatasetError(f"{path} is empty")
        sep = options.sep or _sniff_separator(path, text)
        header = options.header
        if header is None:
            header = _first_row_is_header(text, sep, options)
        frame = _parse_delimited(path, text, sep, header)
    text_col = _pick_column(frame, options.text_column, TEXT_COLUMNS, "text", path, header)
    label_col = _pick_column(frame, options.label_column, LABEL_COLUMNS, "label", path, header)
    if "split" in frame.columns and header:
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


def read_label_first(path: Path, options: DatasetOptions) -> TextDataset:
    """Lines of ``LABEL TEXT``: the first word is the label (fastText's ``__label__`` prefix
    dropped), the rest the text. ``options.label_first`` is ``whole`` (TREC's ``DESC:manner``,
    its 50 fine classes) or ``coarse`` (the part before ``:``, ``DESC``: TREC's 6 classes)."""
    text = read_text(path, options.encoding)
    texts, labels = [], []
    for number, line in enumerate(text_lines(text), start=1):
        if not line.strip():
            continue
        label, _, words = line.strip().partition(" ")
        label = label.removeprefix(FASTTEXT_PREFIX)
        if options.label_first == "coarse":
            label = label.split(":", 1)[0]
        if not label or not words.strip():
            raise DatasetError(f"{path} line {number} is not LABEL TEXT: {line[:60]!r}")
        texts.append(words.strip())
        labels.append(label)
    if not texts:
        raise DatasetError(f"{path} is empty")
    dataset = build_dataset(texts, labels, [], [], name=path.name, fingerprint="")
    dataset.text_column = "after the first word"
    dataset.label_column = f"first word ({options.label_first})"
    return dataset


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """A whole text file (gzip ok) decoded with ``encoding``; line ends are kept as they are."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise DatasetError(
            f"unknown encoding '{encoding}'; use e.g. utf-8, cp1252 or latin-1"
        ) from exc
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise DatasetError(
            f"{path} is a damaged compressed file ({exc}); get a fresh copy"
        ) from exc
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return _decode(raw, path, encoding)


def text_lines(text: str, limit: int = -1) -> list[str]:
    """Lines split on ``\\n`` only (``str.splitlines`` also splits on NEL, which latin-1 gives
    for byte 0x85), without their ``\\r``; the first ``limit`` only, when given."""
    lines = text.split("\n", limit)
    return [line.removesuffix("\r") for line in (lines if limit < 0 else lines[:limit])]


def _head_lines(text: str) -> list[str]:
    """The first non-empty lines of ``text``, enough to sniff its format, without splitting
    the rest of a large file."""
    return [line for line in text_lines(text, SNIFF_LINES + 1) if line.strip()]


def _quoting(sep: str) -> int:
    return csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL  # sentences hold quotes


def _sniff_separator(path: Path, text: str) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if ".tsv" in suffixes or ".tab" in suffixes:
        return "\t"
    if ".csv" in suffixes:
        return ","
    sample = _head_lines(text)[:SNIFF_LINES]
    if sample and all("\t" in line for line in sample):
        return "\t"
    try:
        return csv.Sniffer().sniff("\n".join(sample), delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def _parse_delimited(path: Path, text: str, sep: str, header: bool):
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=0 if header else None,
            dtype=str,
            quoting=_quoting(sep),
            keep_default_na=False,
        )
    except pd.errors.EmptyDataError as exc:
        raise DatasetError(f"{path} is empty") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        hint = "" if sep != "," else "; if it is not comma-separated, give --sep"
        raise DatasetError(f"cannot parse {path}: {one_line(exc)}{hint}") from exc
    frame.columns = [str(column) for column in frame.columns]
    return frame


def _first_row_is_header(text: str, sep: str, options: DatasetOptions) -> bool:
    """Whether the first row names columns: it holds a usual or a requested column name, or
    its value in the column with fewest distinct values is not one of that column's values."""
    rows = list(csv.reader(_head_lines(text), delimiter=sep, quoting=_quoting(sep)))
    if not rows:
        return True
    first = [cell.strip() for cell in rows[0]]
    named = {*TEXT_COLUMNS, *LABEL_COLUMNS, "split", options.text_column, options.label_column}
    if any(cell.lower() in named or cell in named for cell in first):
        return True
    rest = [row for row in rows[1:] if len(row) == len(first)]
    if not rest:
        return True
    columns = list(zip(*rest, strict=True))
    fewest = min(range(len(first)), key=lambda i: len(set(columns[i])))
    return first[fewest] not in {cell.strip() for cell in columns[fewest]}


def _infer_column(frame, role: str) -> str | None:
    """In a file without a header, or with two columns: the text is the column of longest
    values, the label the other column with fewest distinct values."""
    lengths = {column: frame[column].str.len().mean() for column in frame.columns}
    text = max(lengths, key=lengths.get)
    if role == "text":
        return text
    others = [column for column in frame.columns if column != text]
    return min(others, key=lambda column: frame[column].nunique()) if others else None


def _pick_column(
    frame, wanted: str | None, usual: Iterable[str], role: str, path: Path, header: bool = True
) -> str:
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
    data_columns = [column for column in present if column != "split"]
    unambiguous = not header or len(data_columns) == 2
    inferred = _infer_column(frame[data_columns], role) if unambiguous else None
    if inferred is not None:
        return inferred
    raise DatasetError(
        f"{path.name} has no {role} column; columns present: {', '.join(present)}; "
        f"name it with --{role}-column"
    )


def read_folder(path: Path, encoding: str = "utf-8") -> TextDataset:
    """Read a folder in one of the ``LAYOUTS``: a folder or a file of lines per class, with or
    without ``train/`` and ``test/``."""
    _check_exists(path)
    roots = {split: path / split for split in ("train", "test") if (path / split).is_dir()}
    if not roots:
        roots = {"train": path}
    parts: dict[str, tuple[list[str], list[str]]] = {}
    for split, root in roots.items():
        class_dirs = sorted(
            p for p in root.iterdir() if p.is_dir() and p.name not in UNLABELED_FOLDERS
        )
        if class_dirs:
            parts[split] = _texts_per_file(class_dirs, encoding)
        else:
            parts[split] = _texts_per_line(root, encoding)
    if not parts["train"][0]:
        raise DatasetError(f"{path} holds no training texts; expected {LAYOUTS}")
    test = parts.get("test", ([], []))
    return build_dataset(*parts["train"], *test, name=path.name, fingerprint="")


def _texts_per_file(class_dirs: list[Path], encoding: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for class_dir in class_dirs:
        for file in sorted(class_dir.glob("*.txt")):
            texts.append(_decode(file.read_bytes(), file, encoding))
            labels.append(class_dir.name)
    return texts, labels


def _texts_per_line(root: Path, encoding: str) -> tuple[list[str], list[str]]:
    """One file per class, one text per line: ``pos.txt`` and ``neg.txt``, or
    ``rt-polarity.pos`` and ``rt-polarity.neg`` (the class is what differs in the names)."""
    files = sorted(p for p in root.iterdir() if p.is_file() and not _beside_the_data(p))
    if len(files) < 2:
        return [], []
    stems = {file.name.split(".")[0] for file in files}
    texts: list[str] = []
    labels: list[str] = []
    for file in files:
        label = file.suffix.lstrip(".") if len(stems) == 1 else file.name.split(".")[0]
        for line in text_lines(read_text(file, encoding)):
            if line.strip():
                texts.append(line)
                labels.append(label)
    return texts, labels


def _beside_the_data(file: Path) -> bool:
    """A hidden file, or one that documents the data (``subjdata.README.1.0``, ``NOTE.md``)."""
    name = file.name.lower()
    words = name.replace("-", ".").replace("_", ".").split(".")
    return (
        name.startswith(".")
        or name.endswith(DOCUMENTATION_SUFFIXES)
        or any(word in DOCUMENTATION for word in words)
    )


def read_tarball(path: Path, encoding: str = "utf-8") -> TextDataset:
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
                texts.append(_decode(handle.read(), Path(member.name), encoding))
                labels.append(match.group(2))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DatasetError(f"{path} is not a readable tar archive ({exc})") from exc
    return build_dataset(*parts["train"], *parts["test"], name=path.name, fingerprint="")


def _decode(raw: bytes, path: Path, encoding: str = "utf-8") -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path} is not {encoding.upper()} text ({exc.reason} at byte {exc.start}); "
            "give its encoding, e.g. --encoding cp1252"
        ) from exc


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


def read_source(path: Path, options: DatasetOptions | None = None) -> TextDataset:
    """Read ``path`` with the reader its kind calls for: tarball, folder or table file."""
    options = options or DatasetOptions()
    name = path.name.lower()
    if path.is_dir():
        dataset = read_folder(path, options.encoding)
    elif name.endswith((".tar.gz", ".tgz", ".tar")):
        dataset = read_tarball(path, options.encoding)
    else:
        dataset = read_table(path, options)
    dataset.fingerprint = file_fingerprint(path)
    return dataset
