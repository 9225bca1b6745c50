"""From a dataset name and settings to encoded train/validation/test arrays, cached on disk."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from zoo.data.dataset import DatasetOptions, TextDataset
from zoo.data.text import Vectorizer, check_settings
from zoo.errors import ConfigError
from zoo.paths import cache_dir
from zoo.registry import get_registry

CACHE_FORMAT = 1
SPLIT_SEED = 1337


@dataclass(frozen=True)
class DataSettings:
    """Everything that decides the encoded arrays; equal settings give equal arrays."""

    dataset: str = "imdb"
    path: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    limit: int | None = None
    max_tokens: int = 20000
    sequence_length: int | None = 500
    truncate: str = "start"
    validation_split: float = 0.2

    def check(self) -> None:
        check_settings(self.max_tokens, self.sequence_length, self.truncate)
        if not 0.0 < self.validation_split < 1.0:
            raise ConfigError(
                f"validation_split must be between 0 and 1, got {self.validation_split}"
            )
        if self.limit is not None and self.limit <= 0:
            raise ConfigError(f"limit must be positive, got {self.limit}")


@dataclass
class PreparedData:
    """Encoded splits, the vectorizer that made them and the class names."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    vectorizer: Vectorizer
    class_names: list[str]
    dataset_name: str
    notes: list[str] = field(default_factory=list)
    from_cache: bool = False

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def prepare_data(settings: DataSettings, use_cache: bool = True) -> PreparedData:
    """Load, split and encode the dataset, reusing the cache when the data and settings match."""
    settings.check()
    spec = get_registry().dataset(settings.dataset)
    options = DatasetOptions(settings.path, settings.text_column, settings.label_column)
    cache_file = None
    if use_cache and spec.fingerprint is not None:
        cache_file = _cache_path(spec.fingerprint(options), settings)
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    prepared = encode_dataset(spec.loader(options), settings)
    if cache_file is not None:
        _write_cache(cache_file, prepared)
    return prepared


def encode_dataset(dataset: TextDataset, settings: DataSettings) -> PreparedData:
    """Split (limit, validation, test when missing) and vectorize ``dataset``."""
    notes = list(dataset.notes)
    rng = np.random.default_rng(SPLIT_SEED)
    train_idx = np.arange(len(dataset.train_texts))
    test_texts, test_labels = dataset.test_texts, dataset.test_labels
    if not test_texts:
        train_idx, test_idx = stratified_split(dataset.train_labels, settings.validation_split, rng)
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
    vectorizer, fit_tokens = Vectorizer.fit(
        [dataset.train_texts[i] for i in fit_idx],
        settings.max_tokens,
        settings.sequence_length,
        settings.truncate,
    )
    return PreparedData(
        x_train=vectorizer.encode_tokens(fit_tokens),
        y_train=dataset.train_labels[fit_idx],
        x_val=vectorizer.encode(dataset.train_texts[i] for i in val_idx),
        y_val=dataset.train_labels[val_idx],
        x_test=vectorizer.encode(test_texts[i] for i in test_rows),
        y_test=np.asarray(test_labels)[test_rows],
        vectorizer=vectorizer,
        class_names=list(dataset.class_names),
        dataset_name=dataset.name,
        notes=notes,
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
        "notes": prepared.notes,
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            np.savez(
                handle,
                meta=np.array(json.dumps(meta)),
                **{name: getattr(prepared, name) for name in _ARRAYS},
            )
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # the cache only saves time: a failed write costs nothing
