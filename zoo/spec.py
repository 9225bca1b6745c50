"""What a plugin registers: architectures, their hyperparameters and the input they take."""

from __future__ import annotations

import builtins
import dataclasses
import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zoo.errors import HyperparameterError, PluginError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
HPARAM_TYPES = (bool, int, float, str)


@dataclass(frozen=True)
class InputSpec:
    """The data a model is built for: token ids of shape ``(batch, sequence_length)``."""

    vocab_size: int
    sequence_length: int
    num_classes: int = 2
    embedding_matrix: Any = None
    embeddings_trainable: bool = True

    @property
    def output_units(self) -> int:
        """One sigmoid unit for two classes, one softmax unit per class otherwise."""
        return 1 if self.num_classes == 2 else self.num_classes


@dataclass(frozen=True)
class TrainingSplit:
    """What hyperparameter defaults that follow the data see of the training split."""

    texts: int
    tokens: int  # word tokens, padding left out

    @classmethod
    def of(cls, token_ids: Any) -> TrainingSplit:
        """The split of encoded ``token_ids`` (padded with id 0)."""
        return cls(len(token_ids), int((token_ids != 0).sum()))


@dataclass(frozen=True)
class HParam:
    """One hyperparameter: its default, a short help, optional bounds or choices, and its type.

    The type is the default's unless given: ``HParam(64, type=int)`` refuses a float default
    such as ``64.0`` instead of silently making the hyperparameter a float.

    ``zoo tune`` searches a number over ``search`` (``(low, high)``), else over its bounds when
    both are given, on a log scale with ``log=True`` (widths, rates); a text or flag over its
    ``search`` or ``choices``. ``tune=False`` keeps it out of every search.
    """

    default: bool | int | float | str
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    type: Any = None  # bool, int, float or str; None: the default's
    search: tuple[Any, ...] = ()  # (low, high) of a number, or the values to try
    log: bool = False  # search a number on a log scale
    tune: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", self.type or builtins.type(self.default))
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "search", tuple(self.search))

    @property
    def search_values(self) -> tuple[Any, ...]:
        """What ``zoo tune`` searches: ``(low, high)`` of a number or the values of a text or
        flag; empty when it is not searched."""
        if not self.tune:
            return ()
        if self.search:
            return self.search
        if self.choices:
            return self.choices
        if self.type in (int, float) and None not in (self.minimum, self.maximum):
            return (self.minimum, self.maximum)
        return ()

    @property
    def searched_as_range(self) -> bool:
        """A number searched between two values, not among listed ones."""
        return self.type in (int, float) and not self.choices and len(self.search_values) == 2

    def coerce(self, name: str, value: Any) -> Any:
        """Return ``value`` as this hyperparameter's type, or raise ``HyperparameterError``."""
        value = coerce_value(name, value, self.type)
        if self.choices and value not in self.choices:
            raise HyperparameterError(
                f"hyperparameter '{name}' must be one of {', '.join(map(str, self.choices))}, "
                f"got {value!r}"
            )
        too_low = self.minimum is not None and value < self.minimum
        if too_low or (self.maximum is not None and value > self.maximum):
            raise HyperparameterError(
                f"hyperparameter '{name}' must be in [{_bound(self.minimum)}, "
                f"{_bound(self.maximum)}], got {value!r}"
            )
        return value


def _bound(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"


def coerce_value(name: str, value: Any, kind: type) -> Any:
    """``value`` as ``kind`` (text is parsed, an int is accepted for a float), else an error."""
    if isinstance(value, str) and kind is not str:
        value = _parse_text(name, value, kind)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        raise HyperparameterError(f"'{name}' must be {kind.__name__}, got {value!r}")
    return value


def _parse_text(name: str, text: str, kind: type) -> Any:
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
    else:
        try:
            return kind(text)
        except ValueError:
            pass
    raise HyperparameterError(f"'{name}' must be {kind.__name__}, got {text!r}")


@dataclass(frozen=True)
class ArchitectureSpec:
    """A registered architecture: ``builder(input_spec, **hparams)`` returns an uncompiled model.

    ``train_defaults`` are training settings the architecture trains best with (a linear model's
    larger learning rate, say); recipes, config files and flags override them.
    ``data_defaults(split)`` gives hyperparameter defaults that follow the training split (a
    hash table sized to its tokens, say); values the user sets override them.
    """

    name: str
    builder: Callable[..., Any]
    description: str
    hparams: Mapping[str, HParam] = field(default_factory=dict)
    reference: str = ""
    tags: tuple[str, ...] = ()
    custom_objects: Callable[[], dict[str, Any]] | None = None
    train_defaults: Mapping[str, Any] = field(default_factory=dict)
    data_defaults: Callable[[TrainingSplit], Mapping[str, Any]] | None = None
    provider: str = ""
    provider_version: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_PATTERN.match(self.name):
            raise PluginError(
                f"invalid architecture name {self.name!r}: use a lowercase identifier"
            )
        if not callable(self.builder):
            raise PluginError(f"architecture '{self.name}': builder is not callable")
        hparams = {key: _as_hparam(self.name, key, value) for key, value in self.hparams.items()}
        object.__setattr__(self, "hparams", hparams)
        _check_builder_takes(self.name, self.builder, hparams)
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "train_defaults", dict(self.train_defaults))

    @property
    def provider_label(self) -> str:
        """Distribution and version, e.g. ``keras-zoo 0.1.0`` (empty when registered by hand)."""
        return f"{self.provider} {self.provider_version}".strip()

    @property
    def defaults(self) -> dict[str, Any]:
        return {key: hp.default for key, hp in self.hparams.items()}

    def defaults_for(self, split: TrainingSplit) -> dict[str, Any]:
        """The defaults, with those that follow the data set for ``split``."""
        following = dict(self.data_defaults(split)) if self.data_defaults else {}
        unknown = [key for key in following if key not in self.hparams]
        if unknown:
            raise PluginError(
                f"architecture '{self.name}': its data_defaults set '{unknown[0]}', which is not "
                "a declared hyperparameter"
            )
        return {**self.defaults, **following}

    def resolve(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """The defaults updated with ``overrides``, each checked and coerced to its type."""
        resolved = self.defaults
        for key, value in overrides.items():
            if key not in self.hparams:
                raise HyperparameterError(
                    f"unknown hyperparameter '{key}' for '{self.name}'"
                    f"{suggestion(key, self.hparams)}; valid: {self.describe_hparams()}"
                )
            resolved[key] = self.hparams[key].coerce(key, value)
        return resolved

    def describe_hparams(self) -> str:
        return ", ".join(f"{key}: {hp.type.__name__}" for key, hp in self.hparams.items())


def _as_hparam(arch: str, key: str, value: Any) -> HParam:
    """``value`` as an ``HParam`` whose default passes its own type, bounds and choices."""
    if not NAME_PATTERN.match(key):
        raise PluginError(f"architecture '{arch}': invalid hyperparameter name {key!r}")
    hparam = value if isinstance(value, HParam) else HParam(value)
    if hparam.type not in HPARAM_TYPES or type(hparam.default) not in HPARAM_TYPES:
        raise PluginError(
            f"architecture '{arch}': hyperparameter '{key}' must be bool, int, float or str"
        )
    try:
        default = hparam.coerce(key, hparam.default)
    except HyperparameterError as exc:
        raise PluginError(f"architecture '{arch}': the default of {exc}") from exc
    try:
        search = tuple(hparam.coerce(key, value) for value in hparam.search)
    except HyperparameterError as exc:
        raise PluginError(f"architecture '{arch}': the search of {exc}") from exc
    hparam = dataclasses.replace(hparam, default=default, search=search)
    if hparam.searched_as_range:
        low, high = hparam.search_values
        if not low < high or (hparam.log and low <= 0):
            raise PluginError(
                f"architecture '{arch}': hyperparameter '{key}' searches ({low}, {high}); "
                f"give a low below the high{', above 0 on a log scale' if hparam.log else ''}"
            )
    return hparam  # an int default of a float becomes one


def _check_builder_takes(arch: str, builder: Callable[..., Any], hparams: Mapping) -> None:
    """The builder must accept every declared hyperparameter and require no other one."""
    try:
        parameters = list(inspect.signature(builder).parameters.values())[1:]  # after input_spec
    except (TypeError, ValueError):  # no signature to read (a builtin): trust it
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    names = {p.name for p in parameters}
    missing = [key for key in hparams if key not in names]
    if missing:
        raise PluginError(
            f"architecture '{arch}': its builder takes no '{missing[0]}' parameter, a declared "
            f"hyperparameter; add it to the builder or remove it from hparams"
        )
    required = [
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind is not inspect.Parameter.VAR_POSITIONAL
        and p.name not in hparams
    ]
    if required:
        raise PluginError(
            f"architecture '{arch}': its builder requires '{required[0]}', which is not a "
            "declared hyperparameter; declare it in hparams or give it a default"
        )


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean …?)' suffix listing close matches of ``name``, or ''."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""
