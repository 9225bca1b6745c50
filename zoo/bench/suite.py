"""A suite of datasets: each benched as ``--data`` would bench it, one table across them.

A suite file is TOML, a list of datasets, each with a short name and what the data options say
(paths relative to the file's folder)::

    description = "sentences"
    [[datasets]]
    name = "subj"
    data = "../../../shared/data/subj"
    encoding = "cp1252"
    [[datasets]]
    name = "imdb"          # the built-in dataset: found or downloaded

Each dataset is prepared once (its own vocabulary and sequence length) and its rows are keyed
as a bench's, so a suite resumes and a dataset already benched is not run again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo.bench.driver import BenchPlan, run_benchmark
from zoo.bench.row import ResultRow
from zoo.config import ExperimentConfig, tomllib
from zoo.errors import ConfigError

# a dataset's keys in a suite file, and the data setting each one sets
KEYS = {
    "name": None,
    "dataset": "dataset",
    "data": "path",
    "test_data": "test_path",
    "val_data": "val_path",
    "text_column": "text_column",
    "label_column": "label_column",
    "sep": "sep",
    "header": "header",
    "encoding": "encoding",
    "label_first": "label_first",
}
LOCATIONS = ("data", "test_data", "val_data")
BUILT_IN = "imdb"


@dataclass(frozen=True)
class SuiteDataset:
    """One dataset of a suite: its short name and its data settings."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


def load_suite(path: str | Path) -> list[SuiteDataset]:
    """The datasets of the suite file ``path``, checked: one line for an unknown key, a missing
    file, a duplicate name."""
    path = Path(path).expanduser()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read suite {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"suite {path} is not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - {"datasets", "description"})
    if unknown:
        raise ConfigError(f"suite {path}: unknown key {unknown[0]!r}; use [[datasets]] tables")
    entries = raw.get("datasets")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"suite {path} lists no [[datasets]]; add one table per dataset")
    suite: list[SuiteDataset] = []
    for number, entry in enumerate(entries, start=1):
        suite.append(_dataset(entry, number, path))
    names = [dataset.name for dataset in suite]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ConfigError(f"suite {path}: the name {twice[0]!r} is given twice; name each once")
    return suite


def _dataset(entry: Any, number: int, path: Path) -> SuiteDataset:
    where = f"suite {path}, dataset {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table")
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; valid: {', '.join(KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{where} has no name; give it name = "SHORT"')
    if "data" not in entry and entry.get("dataset", name) != BUILT_IN:
        raise ConfigError(f'{where} ({name}) has no data; give data = "PATH"')
    data: dict[str, Any] = {"dataset": BUILT_IN} if "data" not in entry else {}
    for key, value in entry.items():
        if key in LOCATIONS:
            location = (path.parent / str(value)).expanduser().resolve()
            if not location.exists():
                raise ConfigError(f"{where} ({name}): {key} {location} does not exist")
            value = str(location)
        if KEYS[key]:
            data[KEYS[key]] = value
    return SuiteDataset(name.strip(), data)


def run_suite(
    plan: BenchPlan,
    suite: list[SuiteDataset],
    report: Callable[[str], None],
    rows_by_dataset: dict[str, list[ResultRow]],
) -> dict[str, list[ResultRow]]:
    """Bench ``plan`` on each dataset of ``suite`` in turn: ``plan``'s settings, each dataset's
    data settings on top. Rows go to the results file and to ``rows_by_dataset`` as they come."""
    for dataset in suite:
        report(f"suite: {dataset.name}")
        config = plan.config.merged(ExperimentConfig(data=dataset.data))
        rows = rows_by_dataset.setdefault(dataset.name, [])
        named = dataclasses.replace(plan, config=config, dataset_name=dataset.name)
        run_benchmark(named, report, rows)
    return rows_by_dataset
