"""The three splits a run uses: test rows held out where a source has none, ``limit`` applied,
validation rows carved from training; every draw seeded, so equal data and settings give equal
rows in every command."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from zoo.data.dataset import TextDataset
from zoo.data.settings import DataSettings
from zoo.errors import DatasetError

SPLIT_SEED = 1337
TEST_SHARE = 0.2  # of the rows of a source without a test split, held out as test


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
