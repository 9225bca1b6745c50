"""The benchmark results file: a CSV of ``ResultRow`` columns (``zoo.bench.row``), one row per run.

Each row is written with one ``write`` on a file opened for appending and flushed to disk, so
its cost does not grow with the file, two benches writing the same file lose no row, and a
killed writer leaves at most a partial last line, which the next writer removes.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from zoo.bench.row import COLUMNS, ResultRow, column_types
from zoo.errors import ResultsFileError
from zoo.paths import check_can_create, staged

TYPES = column_types()


def read_results(path: Path) -> list[ResultRow]:
    """Rows of an existing results file (none if absent); numbers parsed, blanks as None."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsFileError(f"cannot read results file {path}: {exc}") from exc
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text))
    if not is_our_header(tuple(reader.fieldnames or ())):
        raise ResultsFileError(
            f"{path} is not a keras-zoo results file of this version (its columns differ); "
            "name another file"
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ResultsFileError(
                f"{path} line {number} is truncated or damaged; fix or remove that line"
            )
        rows.append(ResultRow(**{key: _parse(key, value) for key, value in row.items()}))
    return rows


def is_our_header(header: tuple[str, ...]) -> bool:
    """This version's columns, or an earlier version's: the same columns in the same order, some
    not yet added (a column is only ever added, so an earlier file's rows read as they were)."""
    remaining = iter(COLUMNS)
    return bool(header) and all(name in remaining for name in header)


def _parse(key: str, value: str) -> Any:
    kind = TYPES[key]
    if value == "":
        return None
    if kind is str:
        return value
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if kind is int and number.is_integer() else number


def append_result(path: Path, row: ResultRow) -> None:
    """Append ``row`` (None left blank), creating the file with its header if needed."""
    line = _csv_line([_format(getattr(row, key)) for key in COLUMNS]).encode("utf-8")
    try:
        with _locked(path) as handle:
            _drop_partial_line(handle)
            handle.seek(0, os.SEEK_END)
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise ResultsFileError(f"cannot write results file {path}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[BinaryIO]:
    """The results file opened for writing, locked (one writer at a time), with this version's
    header: an earlier version's file is first rewritten with the new columns left blank."""
    while True:
        if not path.exists():
            _create(path)
        with open(path, "r+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released on close
            if os.fstat(handle.fileno()).st_ino != os.stat(path).st_ino:
                continue  # another writer upgraded the file meanwhile: lock the new one
            header = handle.readline().decode("utf-8").rstrip("\r\n")
            if header == _csv_line(COLUMNS).rstrip("\n"):
                yield handle
                return
            _drop_partial_line(handle)
            _upgrade(path, handle)  # the next turn locks the rewritten file


def _upgrade(path: Path, handle: BinaryIO) -> None:
    """Rewrite an earlier version's file (locked in ``handle``) with this version's columns."""
    handle.seek(0)
    reader = csv.DictReader(io.StringIO(handle.read().decode("utf-8")))
    lines = [_csv_line(COLUMNS)]
    lines += [_csv_line([row.get(name, "") for name in COLUMNS]) for row in reader]
    with staged(path) as partial:
        partial.write_text("".join(lines), encoding="utf-8")
        os.chmod(partial, os.stat(handle.fileno()).st_mode & 0o777)


def _create(path: Path) -> None:
    """A new file holding the header; if another writer created it first, theirs is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_csv_line(COLUMNS))
        with contextlib.suppress(FileExistsError):
            os.link(name, path)  # atomic, and never replaces an existing file
    finally:
        os.unlink(name)


def _drop_partial_line(handle: BinaryIO) -> None:
    """Cut a last line without its newline: what a writer killed mid-row leaves behind."""
    size = handle.seek(0, os.SEEK_END)
    if not size:
        return
    handle.seek(size - 1)
    if handle.read(1) == b"\n":
        return
    handle.seek(0)
    handle.truncate(handle.read().rfind(b"\n") + 1)


def _csv_line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _format(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return value


def check_results_path(path: Path) -> None:
    """Fail early on a results file that is not ours or that cannot be written."""
    read_results(path)
    check_can_create(path, "--results")
    if path.exists() and not os.access(path, os.W_OK):
        raise ResultsFileError(f"cannot write results file {path}; pass a writable --results")
