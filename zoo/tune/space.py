"""What ``zoo tune`` searches for one architecture: its hyperparameters' search values
(``HParam.search_values``) and the training settings that matter, less what the user fixed.

A dimension is named ``train.KEY`` or ``hparams.KEY``; ``SearchSpace.settings_of`` turns a
trial's values into the config tables ``zoo bench --config`` takes. Optuna-free:
``zoo.tune.study`` maps each dimension to an Optuna distribution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zoo.config import ExperimentConfig
from zoo.errors import ConfigError
from zoo.spec import ArchitectureSpec, HParam
from zoo.train.length import MAX_EPOCHS, auto_patience, planned_length
from zoo.train.settings import TrainSettings

TRAIN, HPARAMS = "train", "hparams"
BATCH_SIZES = (16, 32, 64, 128)
LEARNING_RATE_SPAN = 10.0  # from a tenth to ten times the architecture's learning rate


@dataclass(frozen=True)
class Dimension:
    """One searched setting: a number in ``[low, high]`` (``log``: on a log scale), or one of
    ``choices``."""

    table: str  # TRAIN or HPARAMS
    key: str
    kind: type  # int or float for a range; object for choices
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    choices: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}"

    def holds(self, value: Any) -> bool:
        """Whether ``value`` is one this dimension can take."""
        if self.choices:
            return value in self.choices
        return isinstance(value, (int, float)) and self.low <= value <= self.high

    def describe(self) -> str:
        if self.choices:
            return f"{self.name} in {list(self.choices)}"
        return f"{self.name} in [{self.low:g}, {self.high:g}]{' (log)' if self.log else ''}"


@dataclass(frozen=True)
class SearchSpace:
    """The dimensions searched for one architecture, and whether the user fixed the patience."""

    architecture: str
    dimensions: tuple[Dimension, ...]
    patience_given: bool = False

    def start(self, train: TrainSettings, hparams: Mapping[str, Any]) -> dict[str, Any]:
        """The untuned settings, as a study's first trial: where they lie in the space, the
        search is never worse than them on validation."""
        values = {}
        for dimension in self.dimensions:
            table = vars(train) if dimension.table == TRAIN else hparams
            value = table.get(dimension.key)
            if dimension.holds(value):
                values[dimension.name] = value
        return values

    def settings_of(self, values: Mapping[str, Any]) -> ExperimentConfig:
        """A trial's values as the config tables ``[train.ARCH]`` and ``[hparams.ARCH]``; a
        searched number of epochs stops early too (``auto_patience``) unless a patience is
        given."""
        tables: dict[str, dict[str, Any]] = {TRAIN: {}, HPARAMS: {}}
        for dimension in self.dimensions:
            if dimension.name in values:
                tables[dimension.table][dimension.key] = values[dimension.name]
        epochs = tables[TRAIN].get("epochs")
        if epochs is not None and not self.patience_given:
            tables[TRAIN]["patience"] = auto_patience(epochs)
        name = self.architecture
        return ExperimentConfig(train={name: tables[TRAIN]}, hparams={name: tables[HPARAMS]})


def search_space(
    spec: ArchitectureSpec, config: ExperimentConfig, train: TrainSettings, train_size: int
) -> SearchSpace:
    """What is searched for ``spec`` on ``train_size`` training texts.

    ``train``: its settings before the search. A setting the user gave (flag, ``--set``,
    config file or recipe) is fixed, not searched. An architecture none of whose
    hyperparameters has search values is refused: the comparison is between architectures.
    """
    require_tunable(spec)
    fixed_train, fixed_hparams = given_settings(spec, config)
    dimensions = []
    if "learning_rate" not in fixed_train:
        rate = train.learning_rate
        span = (rate / LEARNING_RATE_SPAN, rate * LEARNING_RATE_SPAN)
        dimensions.append(Dimension(TRAIN, "learning_rate", float, *span, log=True))
    if "batch_size" not in fixed_train:
        dimensions.append(Dimension(TRAIN, "batch_size", object, choices=BATCH_SIZES))
    if "epochs" not in fixed_train:
        usual = planned_length(train, train_size).epochs  # at the usual batch size
        dimensions.append(Dimension(TRAIN, "epochs", int, 1, min(MAX_EPOCHS, max(2, 2 * usual))))
    dimensions += [
        _hparam_dimension(key, hparam)
        for key, hparam in spec.hparams.items()
        if hparam.search_values and key not in fixed_hparams
    ]
    return SearchSpace(spec.name, tuple(dimensions), "patience" in fixed_train)


def require_tunable(spec: ArchitectureSpec) -> None:
    """Refuse an architecture none of whose hyperparameters has search values."""
    if not any(hparam.search_values for hparam in spec.hparams.values()):
        raise ConfigError(
            f"'{spec.name}' has nothing to tune: none of its hyperparameters has bounds, choices "
            "or search values (HParam(..., search=...)); leave it out of zoo tune"
        )


def given_settings(spec: ArchitectureSpec, config: ExperimentConfig) -> tuple[set, set]:
    """The training settings and hyperparameters of ``spec`` that ``config`` sets."""
    train = {k for k, v in config.train.items() if not isinstance(v, dict)}
    train |= set(config.train.get(spec.name, {}))
    hparams = {k for k, v in config.hparams.items() if not isinstance(v, dict)}
    hparams |= set(config.hparams.get(spec.name, {}))
    return train, hparams


def _hparam_dimension(key: str, hparam: HParam) -> Dimension:
    values = hparam.search_values
    if hparam.searched_as_range:
        return Dimension(HPARAMS, key, hparam.type, values[0], values[1], log=hparam.log)
    return Dimension(HPARAMS, key, object, choices=tuple(values))
