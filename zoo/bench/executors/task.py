"""One run of a bench as a unit of work: what it needs, how it executes, what comes back.

The driver plans a ``RunTask`` per (architecture, seed, backend); an executor hands it, with the
prepared data, to ``execute_task`` wherever it runs, and gets back an ``Outcome``: the finished
results row and its run log. Training itself is ``zoo.train.run.execute``, as for ``zoo train``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zoo.bench.row import ResultRow
from zoo.data.prepare import PreparedData
from zoo.experiment import PlannedRun
from zoo.train.outputs import RunLog
from zoo.train.run import execute


@dataclass(frozen=True)
class RunTask:
    """One architecture and seed on one backend, with the row columns known before training."""

    run: PlannedRun
    key: str
    backend: str
    row: ResultRow
    trial: int | None = None  # a tune trial's number: trained without the test split
    stop_below: tuple[float | None, ...] = ()  # a trial's bars (zoo.train.trainer)

    @property
    def label(self) -> str:
        if self.trial is not None:
            return f"{self.run.spec.name} trial {self.trial} ({self.backend})"
        return f"{self.run.spec.name} seed {self.run.train.seed} ({self.backend})"


@dataclass
class Outcome:
    """A finished run: its results row (status ``ok`` or ``error``) and, when ok, its run log
    (a trial's: its history alone)."""

    task: RunTask
    row: ResultRow
    log: RunLog | None = None
    history: dict[str, list[float]] | None = None


def execute_task(
    task: RunTask,
    data: PreparedData,
    verbose: int | str = 2,
    report: Callable[[str], None] | None = None,
) -> Outcome:
    """Train ``task`` on ``data`` in this process; a failure becomes an error row, never a raise.

    Keras must run ``task.backend`` here. Notes go to ``report`` (stderr when None), Keras's
    progress lines to stderr. A trial never sees the test split.
    """
    if task.trial is not None:
        data = data.without_test()
    outcome = execute(task.run, data, task.backend, verbose, report, stop_below=task.stop_below)
    row = task.row.finished(outcome)
    if outcome.result is None:
        return Outcome(task, row)
    result = outcome.result
    if task.trial is not None:
        return Outcome(task, row, history=result.history)
    log = RunLog(
        result.test_probabilities,
        data.y_test,
        result.history,
        data.class_names,
        result.val_probabilities,
        data.y_val,
    )
    return Outcome(task, row, log, result.history)


def died(task: RunTask, reason: str) -> Outcome:
    """The error row of a run that never finished: its worker died, or could not start it."""
    return Outcome(task, task.row.died(task.backend, reason))
