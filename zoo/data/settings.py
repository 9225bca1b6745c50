"""Data settings: which dataset, which columns, vocabulary and length. No NumPy, for a fast CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.errors import ConfigError

TRUNCATE_SIDES = ("start", "end")
STRIP, KEEP = "strip", "keep"
PUNCTUATION = (STRIP, KEEP)  # removed from the texts, or each mark a token of its own
LABEL_FIRST = ("whole", "coarse")  # a line's first word as its label, or the part before ':'
AUTO = "auto"  # the 99th percentile of training lengths, rounded up to a power of 2, capped
LONGEST = "longest"  # the longest training text
AUTO_CAP = 1000  # whole IMDB reviews but the 1 % longest: bucketed batches make it cheap
AUTO_PERCENTILE = 99
DATA_LOCATIONS = ("path", "test_path", "val_path")  # enter run keys by content, not path
LATER_DEFAULTS = {"punctuation": STRIP}  # added after runs were keyed: keyed once set otherwise


@dataclass(frozen=True)
class DataSettings:
    """Everything that decides the encoded arrays; equal settings give equal arrays."""

    dataset: str = "imdb"
    path: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    limit: int | None = None
    max_tokens: int = 30000
    sequence_length: int | str = AUTO  # a number of tokens, AUTO or LONGEST
    truncate: str = "start"
    punctuation: str = STRIP
    validation_split: float = 0.1
    test_path: str | None = None  # a separate file of test rows
    val_path: str | None = None  # a separate file of validation rows
    sep: str | None = None  # column separator of a delimited file; None: detected
    header: bool | None = None  # the file's first row names its columns; None: detected
    encoding: str = "utf-8"
    label_first: str | None = None  # lines of LABEL TEXT instead of columns: whole or coarse

    def resolved(self) -> DataSettings:
        """These settings with an absolute data path, valid from any working folder."""
        paths = {
            key: str(Path(value).expanduser().resolve())
            for key in DATA_LOCATIONS
            if (value := getattr(self, key)) is not None
        }
        return dataclasses.replace(self, **paths)

    def keyed(self) -> dict[str, Any]:
        """The settings that key runs and encoded arrays: not the data's locations (the data
        enter by content), nor a setting added later while at its default (earlier keys hold)."""
        values = dataclasses.asdict(self)
        for location in DATA_LOCATIONS:
            del values[location]
        for name, default in LATER_DEFAULTS.items():
            if values[name] == default:
                del values[name]
        return values

    def check(self) -> None:
        check_settings(self.max_tokens, self.sequence_length, self.truncate, self.punctuation)
        if not 0.0 < self.validation_split < 1.0:
            raise ConfigError(
                f"validation_split must be between 0 and 1, got {self.validation_split}"
            )
        if self.limit is not None and self.limit <= 0:
            raise ConfigError(f"limit must be positive, got {self.limit}")
        if self.label_first is not None and self.label_first not in LABEL_FIRST:
            raise ConfigError(
                f"label_first must be {' or '.join(LABEL_FIRST)}, got {self.label_first!r}"
            )


def check_settings(
    max_tokens: int, sequence_length: int | str | None, truncate: str, punctuation: str = STRIP
) -> None:
    """Raise ``ConfigError`` for a vocabulary or sequence length ≤ 0, an unknown side or an
    unknown way with punctuation."""
    if max_tokens <= 2:
        raise ConfigError(f"max_tokens must be greater than 2, got {max_tokens}")
    if isinstance(sequence_length, str):
        if sequence_length not in (AUTO, LONGEST):
            raise ConfigError(
                f"sequence_length must be a whole number, '{AUTO}' or '{LONGEST}', "
                f"got {sequence_length!r}"
            )
    elif sequence_length is not None and sequence_length <= 0:
        raise ConfigError(f"sequence_length must be positive, got {sequence_length}")
    if truncate not in TRUNCATE_SIDES:
        raise ConfigError(f"truncate must be 'start' or 'end', got {truncate!r}")
    if punctuation not in PUNCTUATION:
        raise ConfigError(f"punctuation must be 'strip' or 'keep', got {punctuation!r}")


def infer_dataset(path: str) -> str:
    """``imdb`` for the IMDB files, ``folder`` for other folders, ``file`` otherwise."""
    location = Path(path).expanduser()
    name = location.name.lower()
    if name.startswith(("imdb", "aclimdb")) or (location / "aclImdb").is_dir():
        return "imdb"
    return "folder" if location.is_dir() else "file"
