"""Ensembles of recorded runs: members chosen from a results file, checked to share data and
split, combined per seed (``zoo.ensemble.combine``), each result recorded as a row with its run
log, so the table and ``zoo report`` treat it as any model.

A member is an architecture's configuration with the best mean validation accuracy in the file
(``BEST``), or each of its configurations (``ALL``: tuned and default settings, other
encodings, for the fit to weigh); an ensemble is built for each seed every member ran. Its row
is named ``ensemble(a+b+c)`` (``a x2`` for two configurations of ``a``), holds the method and
each member's run key and weight in its hyperparameters, and its training time is the sum of
its members' (what the ensemble cost).
"""

from __future__ import annotations

import contextlib
import json
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zoo import __version__
from zoo.bench.results import append_result, read_results
from zoo.bench.row import OK, ResultRow
from zoo.bench.runlog import read_log, write_log
from zoo.config import config_hash
from zoo.ensemble import ALL, AUTO, BEST
from zoo.ensemble.combine import choose_method, combine, describe_choice
from zoo.errors import ConfigError
from zoo.train.outputs import RunLog, macro_f1, predict_labels
from zoo.train.run import timestamp

PREFIX = "ensemble("
# columns every member must share: the same data and split (the split never depends on how
# the texts are encoded, so members may differ in vocabulary, length and punctuation)
SHARED = ("data_fingerprint", "train_size", "val_size", "test_size", "num_classes")
# the ensemble row's where all members agree
ENCODING = ("max_tokens", "sequence_length", "punctuation")
CARRIED = (*SHARED, "dataset", "text_column", "label_column", "backend", "keras_version",
           "framework_version", "device")  # fmt: skip


@dataclass
class Member:
    """One architecture's chosen configuration: its rows by seed."""

    model: str
    key: str
    rows: dict[int, ResultRow]
    label: str  # the model, with its run key where the ensemble has several of it


def choose_members(
    rows: list[ResultRow], models: list[str] | None, members: str = BEST
) -> list[Member]:
    """Each architecture's configuration with the best mean validation accuracy, or with
    ``members`` ``ALL`` also each other configuration that ran the seeds the best one ran (all
    of the file's architectures but ensembles when ``models`` is empty)."""
    finished = [row for row in rows if row.ok and not (row.model or "").startswith(PREFIX)]
    wanted = models or sorted({row.model for row in finished})
    chosen = []
    for model in wanted:
        keys: dict[str, list[ResultRow]] = {}
        for row in finished:
            if row.model == model:
                keys.setdefault(row.config_hash or "", []).append(row)
        if not keys:
            raise ConfigError(f"the results hold no finished run of {model!r}; bench it first")
        ranked = sorted(
            keys, key=lambda k: -statistics.fmean(r.best_val_accuracy or 0 for r in keys[k])
        )
        by_seed = {key: {int(row.seed or 0): row for row in keys[key]} for key in ranked}
        best = ranked[0]  # the others join where they ran its seeds
        taken = [best] + [
            key
            for key in ranked[1:]
            if members == ALL and by_seed[best].keys() <= by_seed[key].keys()
        ]
        several = len(taken) > 1
        chosen += [
            Member(model, key, by_seed[key], f"{model} {key}" if several else model)
            for key in taken
        ]
    if len(chosen) < 2:
        raise ConfigError("an ensemble needs two members or more; name them, or bench more")
    return chosen


def ensemble_name(members: list[Member]) -> str:
    counts = Counter(member.model for member in members)
    parts = [model if n == 1 else f"{model} x{n}" for model, n in counts.items()]
    return f"{PREFIX}{'+'.join(parts)})"


def check_shared(members: list[Member]) -> None:
    """Refuse members of other data or splits, in one line."""
    first = members[0]
    reference = next(iter(first.rows.values()))
    for member in members[1:]:
        row = next(iter(member.rows.values()))
        for column in SHARED:
            if getattr(row, column) != getattr(reference, column):
                raise ConfigError(
                    f"{first.model} and {member.model} ran on other data or splits ({column} "
                    f"{getattr(reference, column)} against {getattr(row, column)}); ensemble "
                    "runs of the same data and settings"
                )


def member_sets(
    rows: list[ResultRow], models: list[str] | None, members: str = BEST
) -> list[list[Member]]:
    """The members (``members``: ``BEST`` or ``ALL``, as ``choose_members``) of each data and
    split in the file that all of ``models`` ran on (every architecture there when ``models``
    is empty); one line when there is none."""
    groups: dict[tuple, list[ResultRow]] = {}
    for row in rows:
        groups.setdefault(_data_of(row), []).append(row)
    sets = []
    for group in groups.values():
        present = {row.model for row in group if row.ok}
        if models is None or set(models) <= present:
            with contextlib.suppress(ConfigError):  # fewer than two architectures there
                sets.append(choose_members(group, models, members))
    if not sets:
        chosen = choose_members(rows, models)  # says which model is missing, if one is
        check_shared(chosen)  # says which ones ran on other data
        raise ConfigError("the members share no data and split; bench them together first")
    return sets


def copy_members(results_path: Path, sources: list[Path], models: list[str] | None) -> int:
    """Copy into the results file, each with its run log, the finished runs of ``models``
    (every architecture when None) that ``sources`` hold on the data of its rows (on any data
    when it does not exist yet) and it lacks: rows of equal run keys are interchangeable, and an
    ensemble, its table and its report then find every member in one file. Nothing is copied
    unless every run log is found and the members can be chosen. The count.
    """
    rows = read_results(results_path)  # none when the file is new
    data = {_data_of(row) for row in rows}
    present = {(row.config_hash, row.seed) for row in rows}
    copies: list[tuple[ResultRow, RunLog]] = []
    for source in sources:
        for row in read_results(source):
            if not row.ok or (row.model or "").startswith(PREFIX):
                continue
            if rows and _data_of(row) not in data:
                continue
            if (models and row.model not in models) or (row.config_hash, row.seed) in present:
                continue
            log = read_log(source, row)
            if log is None:
                raise ConfigError(
                    f"{source}: {row.model} seed {row.seed} has no run log beside it "
                    f"({source.name}.runs/); copy that folder with the results file"
                )
            copies.append((row, log))
            present.add((row.config_hash, row.seed))
    member_sets([*rows, *(row for row, _ in copies)], models)  # one line if they cannot be
    record_runs(results_path, copies)
    return len(copies)


def _data_of(row: ResultRow) -> tuple:
    return tuple(getattr(row, column) for column in SHARED)


def build_ensembles(
    results_path: Path,
    models: list[str] | None,
    method: str,
    command: str = "",
    report: Callable[[str], None] | None = None,
    members: str = BEST,
) -> list[tuple[ResultRow, RunLog]]:
    """For each data and split, one ensemble row and run log per seed every member ran, not
    yet recorded in the file. ``members`` as ``choose_members``; ``method`` ``auto`` takes,
    per data and split, the method with the best held-out validation accuracy over the seeds,
    and ``report`` hears which."""
    rows = read_results(results_path)
    built = []
    for chosen in member_sets(rows, models, members):
        built += _build(results_path, rows, chosen, method, command, report)
    return built


def _build(
    results_path: Path,
    rows: list[ResultRow],
    members: list[Member],
    method: str,
    command: str,
    report: Callable[[str], None] | None,
) -> list[tuple[ResultRow, RunLog]]:
    seeds = sorted(set.intersection(*(set(member.rows) for member in members)))
    if not seeds:
        raise ConfigError("no seed was run by every member; bench them with the same --seeds")
    name = ensemble_name(members)
    logs_of: dict[int, list[RunLog]] = {}  # each seed's member logs, read once
    if method == AUTO:
        logs_of = {seed: _member_logs(results_path, members, seed) for seed in seeds}
        sets = [
            ([log.val_probabilities for log in ls], ls[0].val_labels) for ls in logs_of.values()
        ]
        method, scores = choose_method(sets)
        if report is not None:
            dataset = members[0].rows[seeds[0]].dataset or "data"
            report(f"{name} on {dataset}: {describe_choice(method, scores)}")
    key = config_hash("ensemble", method, [(member.model, member.key) for member in members])
    recorded = {(row.config_hash, row.seed) for row in rows if row.ok}
    built = []
    for seed in seeds:
        if (key, seed) not in recorded:
            logs = logs_of.get(seed) or _member_logs(results_path, members, seed)
            built.append(_ensemble(members, logs, seed, method, name, key, command))
    return built


def _member_logs(results_path: Path, members: list[Member], seed: int) -> list[RunLog]:
    """The members' run logs of ``seed``, checked to score the same examples."""
    logs = []
    for member in members:
        log = read_log(results_path, member.rows[seed])
        if log is None or log.val_probabilities is None or log.val_labels is None:
            raise ConfigError(
                f"{member.label} seed {seed} has no validation outputs in its run log (recorded "
                "before ensembles, or its log is missing); bench it again"
            )
        if logs and not log.scored_alike(logs[0]):
            raise ConfigError(
                f"{member.label} seed {seed} was scored on other examples than "
                f"{members[0].label}; ensemble runs of the same data and split"
            )
        logs.append(log)
    return logs


def _ensemble(
    members: list[Member],
    logs: list[RunLog],
    seed: int,
    method: str,
    name: str,
    key: str,
    command: str,
) -> tuple[ResultRow, RunLog]:
    first = logs[0]
    combined = combine(
        method,
        [log.val_probabilities for log in logs],
        first.val_labels,
        [log.probabilities for log in logs],
    )
    predicted = predict_labels(combined.test)
    member_rows = [member.rows[seed] for member in members]
    weights = combined.weights or [None] * len(members)
    settings = {
        "method": method,
        "members": {member.label: member.key for member in members},
        "weights": {m.label: w for m, w in zip(members, weights, strict=True)},
    }
    row = ResultRow(
        timestamp=timestamp(),
        model=name,
        provider=f"keras-zoo {__version__}",
        seed=seed,
        config_hash=key,
        status=OK,
        params=sum(r.params or 0 for r in member_rows),
        test_accuracy=float(np.mean(predicted == first.labels)),
        macro_f1=macro_f1(first.labels, predicted),
        best_val_accuracy=float(np.mean(combined.validation.argmax(axis=1) == first.val_labels)),
        train_seconds=sum(r.train_seconds or 0.0 for r in member_rows),
        hparams=json.dumps(settings, sort_keys=True),
        command=command,
        **{column: getattr(member_rows[0], column) for column in CARRIED},
        **{column: _common(member_rows, column) for column in ENCODING},
    )
    log = RunLog(
        combined.test,
        first.labels,
        {},
        first.class_names,
        combined.validation,
        first.val_labels,
    )
    return row, log


def _common(rows: list[ResultRow], column: str) -> Any:
    """The value of ``column`` every row has, else None."""
    values = {getattr(row, column) for row in rows}
    return values.pop() if len(values) == 1 else None


def record_runs(results_path: Path, runs: list[tuple[ResultRow, RunLog]]) -> None:
    """Append each row to the results file, its run log first (as a bench does)."""
    for row, log in runs:
        write_log(results_path, row, log)
        append_result(results_path, row)
