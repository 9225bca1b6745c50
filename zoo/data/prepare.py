"""From a dataset name and settings to encoded train/validation/test arrays, cached on disk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.dataset import DatasetOptions, TextDataset
from zoo.data.settings import DataSettings
from zoo.data.text import Vectorizer
from zoo.errors import DatasetError
from zoo.paths import cache_dir, staged
from zoo.registry import get_registry

CACHE_FORMAT = 2
SPLIT_SEED = 1337
TEST_SHARE = 0.2  # of the rows of a source without a test split, held out as test


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
    fingerprint = spec.fingerprint(options) if spec.fingerprint is not None else None
    cache_file = None
    if use_cache and fingerprint is not None:
        cache_file = _cache_path(f"{fingerprint} {spec.code_identity}", settings)
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    dataset = spec.load(options)
    prepared = encode_dataset(dataset, settings)
    prepared.fingerprint = fingerprint or dataset.fingerprint
    if cache_file is not None:
        _write_cache(cache_file, prepared)
    return prepared


def load_splits(settings: DataSettings) -> tuple[TextSplits, list[str]]:
    """The raw splits ``prepare_data`` would encode, with the class names: for evaluation."""
    settings.check()
    dataset = get_registry().dataset(settings.dataset).load(_options(settings))
    return split_dataset(dataset, settings), list(dataset.class_names)


def _options(settings: DataSettings) -> DatasetOptions:
    return DatasetOptions(settings.path, settings.text_column, settings.label_column)


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
    fit_pos, val_pos = stratified_split(
        dataset.train_labels[train_idx], settings.validation_split, rng
    )
    fit_idx, val_idx = train_idx[fit_pos], train_idx[val_pos]
    for split, size in (
        ("training", len(fit_idx)),
        ("validation", len(val_idx)),
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
        val_texts=[dataset.train_texts[i] for i in val_idx],
        val_labels=dataset.train_labels[val_idx],
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
    )


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
    key = {k: v for k, v in asdict(settings).items() if k != "path"}
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
