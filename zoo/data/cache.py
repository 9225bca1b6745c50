"""The cache of encoded data: one ``.npz`` per data fingerprint and settings, under the cache
folder (``zoo.paths.cache_dir``). Plain arrays and JSON: loading never unpickles; a damaged
entry is rebuilt and a failed write costs nothing but time."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from zoo.data.settings import DataSettings
from zoo.data.splits import SPLIT_SEED
from zoo.data.text import Vectorizer
from zoo.paths import cache_dir, staged

if TYPE_CHECKING:
    from zoo.data.prepare import PreparedData

CACHE_FORMAT = 3


def cache_path(fingerprint: str, settings: DataSettings) -> Path:
    key = settings.keyed()
    key.update(fingerprint=fingerprint, format=CACHE_FORMAT, split_seed=SPLIT_SEED)
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    return cache_dir() / "encoded" / f"{settings.dataset}-{digest}.npz"


_ARRAYS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def read_cache(path: Path) -> PreparedData | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in _ARRAYS}
        from zoo.data.prepare import PreparedData

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


def write_cache(path: Path, prepared: PreparedData) -> None:
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
