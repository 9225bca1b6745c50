"""From a dataset name and settings to encoded train/validation/test arrays, cached on disk."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.cache import cache_path, read_cache, write_cache
from zoo.data.dataset import DatasetOptions, TextDataset
from zoo.data.settings import KEEP, DataSettings
from zoo.data.sources import file_fingerprint, read_source
from zoo.data.splits import TextSplits, split_dataset
from zoo.data.text import Vectorizer
from zoo.errors import DatasetError
from zoo.registry import get_registry

SEPARATE_FILE_FLAGS = {"test": "--test-data", "val": "--val-data"}


@dataclass
class PreparedData:
    """Encoded splits, the vectorizer that made them, the class names and the data's fingerprint."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray | None  # None: withheld (a tune trial never sees the test split)
    y_test: np.ndarray | None
    vectorizer: Vectorizer
    class_names: list[str]
    dataset_name: str
    fingerprint: str = ""
    text_column: str = ""
    label_column: str = ""
    notes: list[str] = field(default_factory=list)
    train_lengths: dict[str, int] = field(default_factory=dict)  # tokens per training text
    from_cache: bool = False

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def without_test(self) -> PreparedData:
        """These data with the test split withheld: what a search may see."""
        return dataclasses.replace(self, x_test=None, y_test=None)


def prepare_data(settings: DataSettings, use_cache: bool = True) -> PreparedData:
    """Load, split and encode the dataset, reusing the cache when the data and settings match."""
    settings.check()
    spec = get_registry().dataset(settings.dataset)
    options = _options(settings)
    fingerprint = None
    if spec.fingerprint is not None:
        extra = [file_fingerprint(Path(path)) for path, _ in _separate_files(settings)]
        fingerprint = _combined(spec.fingerprint(options), *extra)
    cache_file = None
    if use_cache and fingerprint is not None:
        cache_file = cache_path(f"{fingerprint} {spec.code_identity}", settings)
        cached = read_cache(cache_file)
        if cached is not None:
            return cached
    dataset = load_dataset(settings)
    prepared = encode_dataset(dataset, settings)
    prepared.fingerprint = fingerprint or dataset.fingerprint
    if cache_file is not None:
        write_cache(cache_file, prepared)
    return prepared


def load_splits(settings: DataSettings) -> tuple[TextSplits, list[str]]:
    """The raw splits ``prepare_data`` would encode, with the class names: for evaluation."""
    settings.check()
    dataset = load_dataset(settings)
    return split_dataset(dataset, settings), list(dataset.class_names)


def load_dataset(settings: DataSettings) -> TextDataset:
    """The registered dataset, with the test or validation rows of separate files given."""
    options = _options(settings)
    dataset = get_registry().dataset(settings.dataset).load(options)
    for path, split in _separate_files(settings):
        _attach(dataset, split, Path(path), dataclasses.replace(options, path=path))
    return dataset


def _separate_files(settings: DataSettings) -> list[tuple[str, str]]:
    files = ((settings.test_path, "test"), (settings.val_path, "val"))
    return [(path, split) for path, split in files if path]


def _attach(dataset: TextDataset, split: str, path: Path, options: DatasetOptions) -> None:
    """Make the rows of the file at ``path`` the dataset's ``split``, labels mapped by name."""
    extra = read_source(path, options)
    flag = SEPARATE_FILE_FLAGS[split]
    texts = extra.train_texts + extra.val_texts + extra.test_texts
    labels = np.concatenate(
        [np.asarray(extra.train_labels), np.asarray(extra.val_labels), extra.test_labels]
    ).astype(np.int64)
    names = [extra.class_names[label] for label in labels]
    unknown = sorted(set(names) - set(dataset.class_names))
    if unknown:
        raise DatasetError(
            f"{flag} {path.name} has the class {unknown[0]!r}, which the training data lacks "
            f"(its classes: {', '.join(dataset.class_names)})"
        )
    index = {name: i for i, name in enumerate(dataset.class_names)}
    own = len(getattr(dataset, f"{split}_texts"))
    if own:
        dataset.notes.append(f"{flag} {path.name} replaces the {own:,} {split} rows of the data")
    setattr(dataset, f"{split}_texts", texts)
    setattr(dataset, f"{split}_labels", np.array([index[n] for n in names], dtype=np.int64))
    dataset.fingerprint = _combined(dataset.fingerprint, extra.fingerprint)
    dataset.name = f"{dataset.name} + {flag.removeprefix('--')} {path.name}"
    dataset.notes.extend(extra.notes)


def _combined(first: str, *others: str) -> str:
    if not others:
        return first
    return hashlib.sha256(" ".join((first, *others)).encode()).hexdigest()


def _options(settings: DataSettings) -> DatasetOptions:
    return DatasetOptions(
        settings.path,
        settings.text_column,
        settings.label_column,
        settings.sep,
        settings.header,
        settings.encoding,
        settings.label_first,
    )


def encode_dataset(dataset: TextDataset, settings: DataSettings) -> PreparedData:
    """Split ``dataset`` and vectorize it with a vocabulary learnt from the training split."""
    splits = split_dataset(dataset, settings)
    vectorizer, fit_tokens = Vectorizer.fit(
        splits.train_texts,
        settings.max_tokens,
        settings.sequence_length,
        settings.truncate,
        settings.punctuation,
    )
    return PreparedData(
        x_train=vectorizer.encode_tokens(fit_tokens),
        y_train=splits.train_labels,
        x_val=vectorizer.encode(splits.val_texts),
        y_val=splits.val_labels,
        x_test=vectorizer.encode(splits.test_texts),
        y_test=splits.test_labels,
        vectorizer=vectorizer,
        class_names=list(dataset.class_names),
        dataset_name=dataset.name,
        fingerprint=dataset.fingerprint,
        text_column=dataset.text_column,
        label_column=dataset.label_column,
        notes=splits.notes,
        train_lengths=length_summary([len(words) for words in fit_tokens]),
    )


def length_summary(lengths: list[int]) -> dict[str, int]:
    """The median, 90th and 99th percentiles and the longest of token counts."""
    values = np.asarray(lengths or [0])
    points = {"median": 50, "p90": 90, "p99": 99}
    summary = {name: int(np.ceil(np.percentile(values, q))) for name, q in points.items()}
    return {**summary, "longest": int(values.max())}


def describe(data: PreparedData, settings: DataSettings) -> list[str]:
    """What was loaded, in two lines: splits, classes and columns; lengths and how they're cut."""
    columns = ""
    if data.text_column:
        columns = f"; text column '{data.text_column}', label column '{data.label_column}'"
    classes = ", ".join(data.class_names)
    shown = classes if len(classes) <= 60 else classes[:57] + "..."
    lengths = data.train_lengths
    chosen = data.vectorizer.sequence_length
    how = f" ({settings.sequence_length})" if isinstance(settings.sequence_length, str) else ""
    lines = [
        f"data: {data.dataset_name}: {len(data.y_train):,} training, {len(data.y_val):,} "
        f"validation, {len(data.y_test):,} test texts; {data.num_classes} classes ({shown})"
        f"{columns}"
    ]
    if lengths:  # absent from caches of older versions
        lines.append(
            f"data: tokens per training text: median {lengths['median']:,}, 90th percentile "
            f"{lengths['p90']:,}, 99th {lengths['p99']:,}, longest {lengths['longest']:,}; "
            f"sequence length {chosen:,}{how}, vocabulary {data.vectorizer.vocab_size:,}"
            f"{'; punctuation kept as tokens' if data.vectorizer.punctuation == KEEP else ''}"
        )
    return lines
