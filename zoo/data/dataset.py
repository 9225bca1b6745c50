"""The in-memory form of a text classification dataset, and the spec that registers a loader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zoo.errors import PluginError
from zoo.spec import NAME_PATTERN


@dataclass
class TextDataset:
    """Texts with integer labels; ``test_*`` is empty when the source has no test split."""

    train_texts: list[str]
    train_labels: Any
    test_texts: list[str]
    test_labels: Any
    class_names: list[str]
    fingerprint: str
    name: str = "dataset"
    notes: list[str] = field(default_factory=list)
    text_column: str = ""  # the columns read, for a table file
    label_column: str = ""

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class DatasetOptions:
    """What the user said about where the data is and which columns to read."""

    path: str | None = None
    text_column: str | None = None
    label_column: str | None = None


@dataclass(frozen=True)
class DatasetSpec:
    """A registered dataset: ``loader(options)`` returns a ``TextDataset``."""

    name: str
    loader: Callable[[DatasetOptions], TextDataset]
    description: str
    fingerprint: Callable[[DatasetOptions], str] | None = None
    provider: str = ""
    provider_version: str = ""
    tags: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_PATTERN.match(self.name):
            raise PluginError(f"invalid dataset name {self.name!r}: use a lowercase identifier")
        if not callable(self.loader):
            raise PluginError(f"dataset '{self.name}': loader is not callable")
