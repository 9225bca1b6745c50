"""The in-memory form of a text classification dataset, and the spec that registers a loader."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo.errors import PluginError, ZooError, one_line
from zoo.spec import NAME_PATTERN


@dataclass
class TextDataset:
    """Texts with integer labels; ``test_*`` is empty when the source has no test split, and
    ``val_*`` when it has no validation split (one is then carved from the training rows)."""

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
    val_texts: list[str] = field(default_factory=list)
    val_labels: Any = field(default_factory=list)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class DatasetOptions:
    """What the user said about where the data is and which columns to read."""

    path: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    sep: str | None = None  # the column separator of a delimited file; None: detected
    header: bool | None = None  # whether its first row names the columns; None: detected
    encoding: str = "utf-8"
    label_first: str | None = None  # each line LABEL TEXT: the whole first word, or its coarse part


@dataclass(frozen=True)
class DatasetSpec:
    """A registered dataset: ``loader(options)`` returns a ``TextDataset``.

    ``fingerprint(options)``, when given, identifies the data's content without reading it all
    (a file's size and modification time, say): with it, encoded data is cached and reused.
    """

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

    @property
    def provider_label(self) -> str:
        return f"{self.provider} {self.provider_version}".strip() or "registered by hand"

    @property
    def code_identity(self) -> str:
        """The provider's version and a hash of the loader's source file: a changed loader
        gets a new cache key even when the data's fingerprint stays the same."""
        try:
            source = Path(inspect.getsourcefile(self.loader) or "").read_bytes()
        except (OSError, TypeError):
            source = getattr(self.loader, "__qualname__", "").encode()
        return f"{self.provider_label} {hashlib.sha256(source).hexdigest()[:16]}"

    def load(self, options: DatasetOptions) -> TextDataset:
        """Call the loader and check what it returns; its own failures name the plugin."""
        try:
            dataset = self.loader(options)
        except ZooError:
            raise
        except Exception as exc:  # a plugin's loader may fail in any way
            raise PluginError(
                f"dataset '{self.name}' ({self.provider_label}) failed to load: "
                f"{one_line(exc)}; report it to its author"
            ) from exc
        problem = dataset_problem(dataset)
        if problem:
            raise PluginError(
                f"dataset '{self.name}' ({self.provider_label}) returned {problem}; "
                "fix its loader (see the dataset contract in plugins/README.md)"
            )
        import numpy as np

        for split in ("train", "val", "test"):
            labels = np.asarray(getattr(dataset, f"{split}_labels"), dtype=np.int64)
            setattr(dataset, f"{split}_labels", labels)
        return dataset


def dataset_problem(dataset: Any) -> str:
    """What breaks the ``TextDataset`` contract in ``dataset``, or '' when nothing does."""
    import numpy as np  # not at module level: 'zoo list' never needs NumPy

    if not isinstance(dataset, TextDataset):
        return f"a {type(dataset).__name__}, not a TextDataset"
    names = dataset.class_names
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return "class_names that are not a non-empty list of strings"
    if not isinstance(dataset.fingerprint, str) or not dataset.fingerprint:
        return "no fingerprint (a string that changes when the data does)"
    for split in ("train", "val", "test"):
        texts = getattr(dataset, f"{split}_texts")
        labels = np.asarray(getattr(dataset, f"{split}_labels"))
        if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
            return f"{split}_texts that are not a list of strings"
        if labels.shape != (len(texts),):
            return f"{len(texts):,} {split} texts but {split}_labels of shape {labels.shape}"
        if len(texts) and labels.dtype.kind not in "iu":
            return (
                f"{split}_labels of type {labels.dtype} (e.g. {labels.flat[0]!r}); labels are "
                "integers 0..n-1 that index class_names"
            )
        if len(texts) and (labels.min() < 0 or labels.max() >= len(names)):
            return f"{split}_labels outside 0..{len(names) - 1}, the indices of class_names"
    if not dataset.train_texts:
        return "no training texts"
    return ""
