"""The best settings of a tune as a config file that ``zoo bench --config`` takes: the data and
settings the tune was given, and each architecture's best trial in ``[train.ARCH]`` and
``[hparams.ARCH]``. Written whole or not at all; the architectures an earlier tune of the same
data and settings wrote there keep their tables."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoo.config import ExperimentConfig, parse_config
from zoo.errors import ConfigError
from zoo.paths import staged

if TYPE_CHECKING:
    from zoo.tune.driver import Budget

LOCATIONS = ("path", "test_path", "val_path", "embeddings")  # absolute: the file may move


def write_config(
    path: Path, config: ExperimentConfig, budgets: Iterable[Budget], storage: str
) -> bool:
    """Write ``config`` as TOML to ``path``, each architecture's study named above it; whether
    an earlier file there, of other data or settings, was replaced (of the same, the tables of
    the architectures not tuned now are kept)."""
    budgets = list(budgets)
    earlier, earlier_lines, replaced = _earlier(path, config, {b.model for b in budgets})
    config = earlier.merged(config)
    lines = ["# zoo tune: each architecture's best trial on validation accuracy", *earlier_lines]
    for budget in budgets:
        value = "-" if budget.best_val_accuracy is None else f"{budget.best_val_accuracy:.2%}"
        lines.append(f"# {budget.model}: study {budget.study} in {storage}, best {value}")
    lines += _table("data", config.data)
    for table in ("train", "hparams"):
        values: dict[str, Any] = getattr(config, table)
        lines += _table(table, {k: v for k, v in values.items() if not isinstance(v, dict)})
        for name, own in values.items():
            if isinstance(own, dict) and own:
                lines += _table(f"{table}.{name}", own)
    try:
        with staged(path) as partial:
            partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return replaced


def _earlier(
    path: Path, config: ExperimentConfig, tuned: set[str]
) -> tuple[ExperimentConfig, list[str], bool]:
    """The tables and study lines of the architectures other than ``tuned`` in the best
    settings already at ``path``, when they were written for the same data and shared settings;
    and whether a file there is replaced instead."""
    if not path.is_file():
        return ExperimentConfig(), [], False
    try:
        text = path.read_text(encoding="utf-8")
        earlier = parse_config(text, str(path), base=path.parent)
    except (ConfigError, OSError, UnicodeDecodeError):
        return ExperimentConfig(), [], True
    if _shared(earlier) != _shared(config):
        return ExperimentConfig(), [], True
    kept = {
        table: {name: own for name, own in getattr(earlier, table).items()
                if isinstance(own, dict) and name not in tuned}
        for table in ("train", "hparams")
    }  # fmt: skip
    lines = [
        line
        for line in text.splitlines()
        if (study := re.match(r"# (\S+): study ", line)) and study.group(1) not in tuned
    ]
    return ExperimentConfig(train=kept["train"], hparams=kept["hparams"]), lines, False


def _shared(config: ExperimentConfig) -> tuple[dict, dict, dict]:
    """The data and the settings of every architecture, paths resolved as the file holds them."""
    return tuple(
        {key: _resolved(key, value) for key, value in getattr(config, table).items()
         if not isinstance(value, dict)}
        for table in ("data", "train", "hparams")
    )  # fmt: skip


def _table(name: str, values: dict[str, Any]) -> list[str]:
    if not values:
        return []
    lines = ["", f"[{name}]"]
    for key, value in values.items():
        lines.append(f"{key} = {_value(_resolved(key, value))}")
    return lines


def _resolved(key: str, value: Any) -> Any:
    """A location as an absolute path (the file may move); any other value as it is."""
    if key in LOCATIONS and isinstance(value, str):
        return str(Path(value).expanduser().resolve())
    return value


def _value(value: Any) -> str:
    """A TOML scalar: booleans and numbers as TOML writes them, text as a basic string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # JSON's escapes are TOML's for basic strings
