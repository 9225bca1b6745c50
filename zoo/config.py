"""Experiment settings: data, training and hyperparameters, from recipes, TOML files and flags.

A config file has three tables. Scalar keys apply to every architecture; a sub-table named after an
architecture applies to that one only::

    [data]
    max_tokens = 10000
    [train]
    epochs = 5
    [train.stacked_bilstm]
    batch_size = 32
    [hparams]
    embedding_dim = 100
    [hparams.lstm]
    units = 200
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from zoo.data.settings import DataSettings, infer_dataset
from zoo.errors import ConfigError, PluginError
from zoo.spec import ArchitectureSpec, TrainingSplit, coerce_value, suggestion
from zoo.train.settings import TrainSettings

EMBEDDING_DIM = "embedding_dim"

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


@dataclass
class ExperimentConfig:
    """Data settings plus training settings and hyperparameters, global and per architecture."""

    data: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    hparams: dict[str, Any] = field(default_factory=dict)

    def merged(self, other: ExperimentConfig) -> ExperimentConfig:
        """A copy with ``other``'s values on top of this one's."""
        return ExperimentConfig(
            data={**self.data, **other.data},
            train=_merge(self.train, other.train),
            hparams=_merge(self.hparams, other.hparams),
        )

    def data_settings(self) -> DataSettings:
        """The data settings; the dataset is inferred from the path when not named."""
        values = dict(self.data)
        if not values.get("dataset") and values.get("path"):
            values["dataset"] = infer_dataset(values["path"])
        settings = _build(DataSettings, values, "data")
        settings.check()
        return settings

    def train_settings(
        self, architecture: str, recommended: Mapping[str, Any] | None = None
    ) -> TrainSettings:
        """Defaults < the architecture's ``recommended`` settings < global < its own table."""
        values = dict(recommended or {})
        unknown = sorted(set(values) - {f.name for f in fields(TrainSettings)})
        if unknown:
            raise PluginError(
                f"architecture '{architecture}' recommends an unknown training setting "
                f"'{unknown[0]}'; fix its train_defaults"
            )
        values.update({k: v for k, v in self.train.items() if not isinstance(v, dict)})
        values.update(self.train.get(architecture, {}))
        settings = _build(TrainSettings, values, "train")
        settings.check()
        return settings

    def hparams_for(
        self,
        spec: ArchitectureSpec,
        embedding_width: int | None = None,
        split: TrainingSplit | None = None,
    ) -> dict[str, Any]:
        """Resolved hyperparameters: the defaults (those that follow the data set for the
        training ``split`` when given), global values the architecture has, then its own table.

        Pretrained vectors of ``embedding_width`` set ``embedding_dim``; a different value
        chosen by the user is an error rather than silently ignored.
        """
        shared = {
            k: v for k, v in self.hparams.items() if not isinstance(v, dict) and k in spec.hparams
        }
        chosen = {**shared, **self.hparams.get(spec.name, {})}
        defaults = spec.defaults_for(split) if split is not None else {}
        resolved = spec.resolve({**defaults, **chosen})
        if embedding_width is None or EMBEDDING_DIM not in resolved:
            return resolved
        if EMBEDDING_DIM in chosen and resolved[EMBEDDING_DIM] != embedding_width:
            raise ConfigError(
                f"the pretrained vectors have {embedding_width} dimensions but '{spec.name}' "
                f"has {EMBEDDING_DIM}={resolved[EMBEDDING_DIM]}; set "
                f"{EMBEDDING_DIM}={embedding_width} or leave it unset"
            )
        return {**resolved, EMBEDDING_DIM: embedding_width}

    def check_hparams(self, specs: list[ArchitectureSpec]) -> None:
        """Every global hyperparameter must belong to one of ``specs`` at least."""
        known = {key for spec in specs for key in spec.hparams}
        for key, value in self.hparams.items():
            if not isinstance(value, dict) and key not in known:
                names = ", ".join(spec.name for spec in specs)
                raise ConfigError(
                    f"hyperparameter '{key}' belongs to none of {names}{suggestion(key, known)}"
                )
        for spec in specs:
            self.hparams_for(spec)


def assemble_config(
    recipe: str | None = None,
    config_file: str | Path | None = None,
    assignments: tuple[str, ...] | list[str] = (),
    **settings: Any,
) -> ExperimentConfig:
    """Defaults < recipe < config file < ``settings`` and ``--set`` assignments.

    ``settings`` are data or training settings by their field names (``path``, ``limit``,
    ``epochs``, ...); ``None`` means not given. An assignment is ``[ARCH.]KEY=VALUE``.
    """
    config = ExperimentConfig()
    if recipe:
        config = config.merged(load_recipe(recipe))
    if config_file:
        config = config.merged(load_config(config_file))
    top = ExperimentConfig()
    data_keys = {f.name for f in fields(DataSettings)}
    train_keys = {f.name for f in fields(TrainSettings)}
    for key, value in settings.items():
        if value is None:
            continue
        if key in data_keys:
            top.data[key] = value
        elif key in train_keys:
            top.train[key] = value
        else:
            raise TypeError(f"assemble_config() got an unknown setting {key!r}")
    for text in assignments:
        scope, key, value = parse_assignment(text)
        table = top.hparams.setdefault(scope, {}) if scope else top.hparams
        table[key] = value
    return config.merged(top)


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _build(cls: type, values: dict[str, Any], table: str):
    names = {f.name: f for f in fields(cls)}
    hints = typing.get_type_hints(cls)
    for key, value in values.items():
        if key not in names:
            raise ConfigError(
                f"unknown {table} setting '{key}'{suggestion(key, names)}; "
                f"valid: {', '.join(names)}"
            )
        if value is not None:
            values[key] = _coerce(key, value, hints[key])
    return cls(**values)


def _coerce(key: str, value: Any, hint: Any) -> Any:
    """``value`` as the field's type; where a field also takes a word (``int | str``: a number
    or ``auto``), text that is not a number stays text, for the settings' own check."""
    kinds = [kind for kind in (typing.get_args(hint) or (hint,)) if kind is not type(None)]
    if isinstance(value, str) and str in kinds[1:] and not _is_number(value):
        return value.strip()
    return coerce_value(key, value, kinds[0])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def config_hash(*parts: Any) -> str:
    """A short stable hash of JSON-serializable settings."""
    text = json.dumps(parts, sort_keys=True, default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


def load_config(path: str | Path) -> ExperimentConfig:
    """Read a TOML config; relative paths inside it are taken from the file's folder."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {path} is not UTF-8 text") from exc
    return parse_config(text, str(path), base=path.parent)


def parse_config(text: str, source: str, base: Path | None = None) -> ExperimentConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {source} is not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - {"data", "train", "hparams", "description"})
    if unknown:
        raise ConfigError(
            f"config {source}: unknown table {unknown[0]!r}; use [data], [train] and [hparams]"
        )
    for table in ("data", "train", "hparams"):
        if not isinstance(raw.get(table, {}), dict):
            raise ConfigError(f"config {source}: '{table}' must be a table")
    config = ExperimentConfig(
        dict(raw.get("data", {})), dict(raw.get("train", {})), dict(raw.get("hparams", {}))
    )
    if base is not None:
        _resolve_paths(config, base)
    return config


def _resolve_paths(config: ExperimentConfig, base: Path) -> None:
    locations = [(config.data, key) for key in ("path", "test_path", "val_path")]
    for table, key in [*locations, (config.train, "embeddings")]:
        value = table.get(key)
        if isinstance(value, str) and not Path(value).expanduser().is_absolute():
            table[key] = str((base / value).resolve())


def recipe_names() -> list[str]:
    files = resources.files("zoo.recipes").iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_recipe(name: str) -> ExperimentConfig:
    """A named recipe shipped with keras-zoo (``benchmarks/recipes/<name>.toml``)."""
    names = recipe_names()
    if name not in names:
        raise ConfigError(
            f"unknown recipe '{name}'{suggestion(name, names)}; available: {', '.join(names)}"
        )
    text = resources.files("zoo.recipes").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse_config(text, f"recipe {name}")


def parse_assignment(text: str) -> tuple[str | None, str, str]:
    """``key=value`` or ``architecture.key=value`` → (architecture or None, key, value)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"--set expects KEY=VALUE (or ARCH.KEY=VALUE), got {text!r}")
    scope, dot, name = key.rpartition(".")
    return (scope if dot else None), name, value.strip()
