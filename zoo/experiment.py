"""One experiment pipeline: settings and architectures in, everything a run needs out.

``zoo bench``, ``zoo train`` and ``zoo evaluate`` all go through here, so they resolve data,
training settings and hyperparameters the same way, and a run's key is computed in one place.
Nothing here imports Keras.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zoo.config import EMBEDDING_DIM, ExperimentConfig, config_hash
from zoo.data.embeddings import EmbeddingMatrix, load_embedding_matrix
from zoo.data.prepare import (
    PreparedData,
    describe,
    load_splits,
    prepare_data,
)
from zoo.data.settings import DataSettings
from zoo.data.text import Vectorizer
from zoo.errors import ConfigError
from zoo.spec import ArchitectureSpec, TrainingSplit
from zoo.train.length import planned_length
from zoo.train.settings import TrainSettings


@dataclass(frozen=True)
class PlannedRun:
    """One architecture with its training settings, hyperparameters and pretrained vectors."""

    spec: ArchitectureSpec
    train: TrainSettings
    hparams: dict[str, Any]
    vectors: EmbeddingMatrix | None = None

    @property
    def embedding_matrix(self) -> np.ndarray | None:
        return self.vectors.matrix if self.vectors else None

    def with_seed(self, seed: int) -> PlannedRun:
        return dataclasses.replace(self, train=dataclasses.replace(self.train, seed=seed))


@dataclass(frozen=True)
class Experiment:
    """Checked settings, each resolved once: the data every architecture shares and how each
    architecture trains; hyperparameters are resolved with the data (``plan_runs``)."""

    data_settings: DataSettings
    config: ExperimentConfig
    specs: tuple[ArchitectureSpec, ...]
    train: dict[str, TrainSettings]

    @classmethod
    def from_config(cls, config: ExperimentConfig, specs: list[ArchitectureSpec]) -> Experiment:
        """Check every setting and hyperparameter without reading any data."""
        config.check_hparams(specs)
        train = {spec.name: config.train_settings(spec.name, spec.train_defaults) for spec in specs}
        for spec in specs:
            if train[spec.name].embeddings and EMBEDDING_DIM not in spec.hparams:
                raise ConfigError(
                    f"'{spec.name}' takes no pretrained embeddings (it has no {EMBEDDING_DIM}); "
                    f"bench it without --embeddings, or set embeddings per architecture "
                    f"in a config file ([train.ARCH] embeddings = ...)"
                )
        return cls(config.data_settings(), config, tuple(specs), train)

    def prepare(
        self, report: Callable[[str], None] = print, summary: bool = True
    ) -> tuple[PreparedData, list[PlannedRun]]:
        """Load and encode the data once, read each embeddings file once, plan every run.

        ``summary``: once every input is checked, report what was loaded (``describe``).
        """
        data = prepare_data(self.data_settings)
        for note in data.notes:
            report(f"note: {note}")
        runs = self.plan_runs(data, report)
        if summary:
            for line in describe(data, self.data_settings):
                report(line)
        return data, runs

    def plan_runs(
        self, data: PreparedData, report: Callable[[str], None] = print
    ) -> list[PlannedRun]:
        """One run per architecture on ``data``, each embeddings file read once; epochs and
        the hyperparameters the user leaves unset follow the training split."""
        loaded: dict[str, EmbeddingMatrix] = {}
        split = TrainingSplit.of(data.x_train)
        runs = []
        for spec in self.specs:
            train, width, vectors = self.train[spec.name], None, None
            if train.embeddings:
                if train.embeddings not in loaded:
                    loaded[train.embeddings] = load_embedding_matrix(
                        train.embeddings, data.vectorizer.vocabulary
                    )
                vectors = loaded[train.embeddings]
                width = vectors.width  # embedding_dim: theirs
            hparams = self.config.hparams_for(spec, width, split)
            train = planned_length(train, len(data.x_train))  # auto epochs follow the data
            runs.append(PlannedRun(spec, train, hparams, vectors))
        for path, vectors in loaded.items():  # once every run is known to be valid
            report(f"embeddings: {vectors.coverage} in {Path(path).name}")
        return runs


def run_key(run: PlannedRun, data: PreparedData, settings: DataSettings, backend: str) -> str:
    """Everything that decides a run's numbers except its seed: equal keys, interchangeable rows.

    The data and pretrained vectors enter by content (fingerprints), the data also by the settings
    that select and encode them, neither by path; the architecture by name and by its provider's
    version.
    """
    selection = settings.keyed()
    selection.update(text_column=data.text_column, label_column=data.label_column)  # as read
    train = {k: v for k, v in dataclasses.asdict(run.train).items() if k != "seed"}
    if run.vectors is not None:
        train["embeddings"] = f"sha256:{run.vectors.fingerprint}"
    return config_hash(
        run.spec.name,
        run.spec.provider_label,
        data.fingerprint,
        selection,
        train,
        run.hparams,
        backend,
    )


def evaluation_split(
    recorded: dict[str, Any], vectorizer: Vectorizer, **changes: str | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The encoded test split of a run's recorded data settings, or of new data in ``changes``.

    ``changes`` (``dataset``, ``path``, ``text_column``, ``label_column``, ``sep``, ``header``,
    ``encoding``) replace the recorded values; the split comes from the same pipeline as in
    training, encoded with the run's vectorizer. Returns the token ids, the labels and the
    data's class names.
    """
    given = {key: value for key, value in changes.items() if value is not None}
    values = dict(recorded)
    if "path" in given:
        values["limit"] = None  # new data is scored on its whole test split
        values["dataset"] = None  # inferred again from the new path unless given
        for key in (
            "test_path",
            "val_path",
            "sep",
            "header",
            "encoding",
            "text_column",
            "label_column",
            "label_first",
        ):
            values.pop(key, None)  # the run's file format says nothing about the new file
    values.update(given)
    splits, class_names = load_splits(ExperimentConfig(data=values).data_settings())
    return vectorizer.encode(splits.test_texts), splits.test_labels, class_names
