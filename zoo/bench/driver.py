"""The benchmark harness: the same data for every model, one row per finished run.

This process is the driver: it checks the settings, prepares the data once, plans one task per
(model, seed, backend) and hands the tasks to an executor (``zoo.bench.executors``: this process, a
process per run, or Ray). Each run's failure becomes an error row and the benchmark goes on. The
driver is the only writer of the results file: each row is appended as its run finishes, so an
interrupt keeps every finished row, and ``resume`` skips runs already recorded with the same key
and seed, whichever executor recorded them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zoo.backend import configured_backend
from zoo.bench.executors import Executor, ExecutorSettings, make_executor
from zoo.bench.executors.task import Outcome, RunTask
from zoo.bench.results import append_result, check_results_path, read_results
from zoo.bench.row import ResultRow
from zoo.bench.runlog import write_log
from zoo.config import ExperimentConfig
from zoo.data.prepare import PreparedData
from zoo.data.settings import DataSettings
from zoo.experiment import Experiment, PlannedRun, run_key
from zoo.interrupts import deferred_interrupts
from zoo.registry import get_registry


@dataclass
class BenchPlan:
    """What to run: architectures, settings, seeds, backends, where rows go and how runs execute.

    ``backends`` empty: the backend this process would run Keras on.
    """

    models: list[str]
    config: ExperimentConfig
    results_path: Path
    seeds: int = 1
    resume: bool = False
    command: str = ""
    verbose: int | str = 2
    backends: list[str] = field(default_factory=list)
    executor: ExecutorSettings = field(default_factory=ExecutorSettings)
    dataset_name: str | None = None  # the rows' dataset, a suite's short name; None: the data's


def run_benchmark(
    plan: BenchPlan,
    report: Callable[[str], None] = print,
    rows: list[ResultRow] | None = None,
) -> list[ResultRow]:
    """Run every (model, seed, backend) of ``plan``; rows are appended to ``rows`` as they come."""
    rows = [] if rows is None else rows
    backends = plan.backends or [configured_backend()]
    plan.executor.check(backends)
    registry = get_registry()
    experiment = Experiment.from_config(
        plan.config, [registry.architecture(name) for name in plan.models]
    )
    check_results_path(plan.results_path)
    executor = make_executor(plan.executor)
    data, runs = experiment.prepare(report, summary=plan.verbose != 0)
    bench = Bench(plan, experiment.data_settings, data, executor, backends)
    return bench.run(runs, report, rows)


@dataclass
class Bench:
    """A bench's prepared data and executor: ``run`` trains planned runs and records each."""

    plan: BenchPlan
    settings: DataSettings
    data: PreparedData
    executor: Executor
    backends: list[str]

    def run(
        self,
        runs: list[PlannedRun],
        report: Callable[[str], None],
        rows: list[ResultRow],
        studies: dict[str, str] | None = None,
    ) -> list[ResultRow]:
        """Each run on each backend, ``plan.seeds`` seeds; rows go to the results file and to
        ``rows`` as runs finish. ``studies``: the tune study behind an architecture's runs."""
        plan, data = self.plan, self.data
        done = _recorded(plan.results_path) if plan.resume else {}
        tasks = []
        for backend in self.backends:
            for planned in runs:
                key = run_key(planned, data, self.settings, backend)
                study = (studies or {}).get(planned.spec.name)
                for offset in range(plan.seeds):
                    run = planned.with_seed(planned.train.seed + offset)
                    recorded = done.get((run.spec.name, key, run.train.seed))
                    if recorded:
                        report(f"skip: {run.spec.name} seed {run.train.seed} is already recorded")
                        rows.append(recorded)
                        continue
                    row = ResultRow.planned(run, key, data, self.settings, plan.command, study)
                    if plan.dataset_name:
                        row = dataclasses.replace(row, dataset=plan.dataset_name)
                    tasks.append(RunTask(run, key, backend, row))
        if tasks:
            self._execute(tasks, report, rows)
        return rows

    def _execute(
        self, tasks: list[RunTask], report: Callable[[str], None], rows: list[ResultRow]
    ) -> None:
        plan = self.plan
        progress = Progress(len(tasks))
        outcomes = self.executor.run(tasks, self.data, plan.verbose, report)
        with contextlib.closing(outcomes):
            for outcome in outcomes:
                with deferred_interrupts():  # the row is in the file and the table, or in neither
                    record(plan.results_path, outcome)
                    rows.append(outcome.row)
                report(progress.line(outcome))


def record(results_path: Path, outcome: Outcome) -> None:
    """Append ``outcome``'s row to the results file, its run log first: a row finds its log."""
    if outcome.log is not None:
        write_log(results_path, outcome.row, outcome.log)
    append_result(results_path, outcome.row)


class Progress:
    """One line per finished run: what it scored, how many are done, and the time left."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.finished = 0
        self.started = time.monotonic()

    def line(self, outcome: Outcome) -> str:
        self.finished += 1
        row = outcome.row
        if row.ok:
            result = f"{row.test_accuracy:.2%} test accuracy in {row.train_seconds:.1f} s"
        else:
            result = f"error: {row.error or ''}"
        left = self.total - self.finished
        elapsed = time.monotonic() - self.started
        eta = f", about {_duration(elapsed / self.finished * left)} left" if left else ""
        return f"done: {outcome.task.label}: {result} [{self.finished}/{self.total}{eta}]"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _recorded(path: Path) -> dict[tuple, ResultRow]:
    return {(row.model, row.config_hash, row.seed): row for row in read_results(path) if row.ok}
