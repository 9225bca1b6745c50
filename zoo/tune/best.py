"""The best settings of a tune as a config file that ``zoo bench --config`` takes: the data and
settings the tune was given, and each architecture's best trial in ``[train.ARCH]`` and
``[hparams.ARCH]``. Written whole or not at all."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoo.config import ExperimentConfig
from zoo.errors import ConfigError
from zoo.paths import staged

if TYPE_CHECKING:
    from zoo.tune.driver import Budget

LOCATIONS = ("path", "test_path", "val_path", "embeddings")  # absolute: the file may move


def write_config(
    path: Path, config: ExperimentConfig, budgets: Iterable[Budget], storage: str
) -> None:
    """Write ``config`` as TOML to ``path``, each architecture's study named above it."""
    lines = ["# zoo tune: each architecture's best trial on validation accuracy"]
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


def _table(name: str, values: dict[str, Any]) -> list[str]:
    if not values:
        return []
    lines = ["", f"[{name}]"]
    for key, value in values.items():
        if key in LOCATIONS and isinstance(value, str):
            value = str(Path(value).expanduser().resolve())
        lines.append(f"{key} = {_value(value)}")
    return lines


def _value(value: Any) -> str:
    """A TOML scalar: booleans and numbers as TOML writes them, text as a basic string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # JSON's escapes are TOML's for basic strings
