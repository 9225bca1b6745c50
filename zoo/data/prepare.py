"""From a dataset name and settings to encoded train/validation/test arrays, cached on disk."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.dataset import DatasetOptions, TextDataset
from zoo.data.settings import DataSettings
from zoo.data.sources import file_fingerprint, read_source
from zoo.data.text import Vectorizer
from zoo.errors import DatasetError
from zoo.paths import cache_dir, staged
from zoo.registry import get_registry

CACHE_FORMAT = 3
SPLIT_SEED = 1337
TEST_SHARE = 0.2  # of the rows of a source without a test split, held out as test
SEPARATE_FILE_FLAGS = {"test": "--test-data", "val": "--val-data"}
DATA_LOCATIONS = ("path", "test_path", "val_path")  # the data enter keys by content, not path


@dataclass
class PreparedData:
    """Encoded splits, the vectorizer that made them, the class names and the data's fingerprint."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
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


@dataclass
class TextSplits:
    """Raw texts and label ids of the three splits a run uses."""

    train_texts: list[str]
    train_labels: np.ndarray
    val_texts: list[str]
    val_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray
    notes: list[str] = field(default_factory=list)


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
        cache_file = _cache_path(f"{fingerprint} {spec.code_identity}", settings)
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    dataset = load_dataset(settings)
    prepared = encode_dataset(dataset, settings)
    prepared.fingerprint = fingerprint or dataset.fingerprint
    if cache_file is not None:
        _write_cache(cache_file, prepared)
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
    )


def split_dataset(dataset: TextDataset, settings: DataSettings) -> TextSplits:
    """Hold out test rows when the source has none, apply ``limit``, carve the validation split.

    Every split is seeded, so the same data and settings give the same rows in every command.
    """
    notes = list(dataset.notes)
    rng = np.random.default_rng(SPLIT_SEED)
    train_idx = np.arange(len(dataset.train_texts))
    test_texts, test_labels = dataset.test_texts, np.asarray(dataset.test_labels)
    if not test_texts:
        train_idx, test_idx = stratified_split(dataset.train_labels, TEST_SHARE, rng)
        test_texts = [dataset.train_texts[i] for i in test_idx]
        test_labels = dataset.train_labels[test_idx]
        notes.append(f"no test split: {len(test_idx):,} training rows held out as test")
    test_rows = np.arange(len(test_texts))
    if settings.limit:
        train_idx = rng.permutation(train_idx)[: settings.limit]
        test_rows = rng.permutation(test_rows)[: settings.limit]
    if len(dataset.val_texts):  # the source has its own validation rows
        fit_idx = train_idx
        val_texts, val_labels = list(dataset.val_texts), np.asarray(dataset.val_labels)
    else:
        fit_pos, val_pos = stratified_split(
            dataset.train_labels[train_idx], settings.validation_split, rng
        )
        fit_idx, val_idx = train_idx[fit_pos], train_idx[val_pos]
        val_texts = [dataset.train_texts[i] for i in val_idx]
        val_labels = dataset.train_labels[val_idx]
    for split, size in (
        ("training", len(fit_idx)),
        ("validation", len(val_texts)),
        ("test", len(test_rows)),
    ):
        if not size:
            raise DatasetError(
                f"{dataset.name}: {len(dataset.train_texts):,} training rows are too few for a "
                f"{split} split; give more rows or a larger --limit"
            )
    return TextSplits(
        train_texts=[dataset.train_texts[i] for i in fit_idx],
        train_labels=dataset.train_labels[fit_idx],
        val_texts=val_texts,
        val_labels=val_labels,
        test_texts=[test_texts[i] for i in test_rows],
        test_labels=test_labels[test_rows],
        notes=notes,
    )


def encode_dataset(dataset: TextDataset, settings: DataSettings) -> PreparedData:
    """Split ``dataset`` and vectorize it with a vocabulary learnt from the training split."""
    splits = split_dataset(dataset, settings)
    vectorizer, fit_tokens = Vectorizer.fit(
        splits.train_texts, settings.max_tokens, settings.sequence_length, settings.truncate
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
        )
    return lines


def stratified_split(
    labels: np.ndarray, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Positions split into (kept, held out); each class gives ``fraction`` of its rows."""
    kept, held = [], []
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        n_held = round(len(rows) * fraction) if len(rows) > 1 else 0
        held.append(rows[:n_held])
        kept.append(rows[n_held:])
    return np.sort(np.concatenate(kept)), np.sort(np.concatenate(held))


def _cache_path(fingerprint: str, settings: DataSettings) -> Path:
    key = {k: v for k, v in asdict(settings).items() if k not in DATA_LOCATIONS}
    key.update(fingerprint=fingerprint, format=CACHE_FORMAT, split_seed=SPLIT_SEED)
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    return cache_dir() / "encoded" / f"{settings.dataset}-{digest}.npz"


_ARRAYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def _read_cache(path: Path) -> PreparedData | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in _ARRAYS}
        return PreparedData(
            **arrays,
            vectorizer=Vectorizer.from_dict(meta["vectorizer"]),
            class_names=meta["class_names"],
            dataset_name=meta["dataset_name"],
            fingerprint=meta["fingerprint"],
            text_column=meta["text_column"],
            label_column=meta["label_column"],
            notes=meta["notes"],
            train_lengths=meta["train_lengths"],
            from_cache=True,
        )
    except (OSError, ValueError, KeyError):
        return None  # a damaged cache entry is rebuilt


def _write_cache(path: Path, prepared: PreparedData) -> None:
    meta = {
        "vectorizer": prepared.vectorizer.to_dict(),
        "class_names": prepared.class_names,
        "dataset_name": prepared.dataset_name,
        "fingerprint": prepared.fingerprint,
        "text_column": prepared.text_column,
        "label_column": prepared.label_column,
        "notes": prepared.notes,
        "train_lengths": prepared.train_lengths,
    }
    try:
        with staged(path) as partial, open(partial, "wb") as handle:
            np.savez(
                handle,
                meta=np.array(json.dumps(meta)),
                **{name: getattr(prepared, name) for name in _ARRAYS},
            )
    except OSError:
        pass  # the cache only saves time: a failed write costs nothing
