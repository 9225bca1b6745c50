"""One run of a bench as a unit of work: what it needs, how it executes, what comes back.

The driver plans a ``RunTask`` per (architecture, seed, backend); an executor hands it, with the
prepared data, to ``execute_task`` wherever it runs, and gets back an ``Outcome``: the finished
results row and its run log. Every executor trains through this one function.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zoo.data.prepare import PreparedData
from zoo.errors import one_line
from zoo.experiment import PlannedRun
from zoo.runlog import RunLog

ENVIRONMENT_COLUMNS = ("backend", "keras_version", "framework_version", "device")


@dataclass(frozen=True)
class RunTask:
    """One architecture and seed on one backend, with the row columns known before training."""

    run: PlannedRun
    key: str
    backend: str
    row: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.run.spec.name} seed {self.run.train.seed} ({self.backend})"


@dataclass
class Outcome:
    """A finished run: its results row (status ``ok`` or ``error``) and, when ok, its run log."""

    task: RunTask
    row: dict[str, Any]
    log: RunLog | None = None


def execute_task(
    task: RunTask,
    data: PreparedData,
    verbose: int | str = 2,
    report: Callable[[str], None] | None = None,
) -> Outcome:
    """Train ``task`` on ``data`` in this process; a failure becomes an error row, never a raise.

    Keras must run ``task.backend`` here. Notes go to ``report`` (stderr when None), Keras's
    progress lines to stderr.
    """
    from zoo.backend import describe_backend, import_keras

    report = report or (lambda line: print(line, file=sys.stderr))
    keras = import_keras()
    environment = describe_backend()
    row = {**task.row, **environment, "timestamp": timestamp()}  # when it started, not queued
    if environment["backend"] != task.backend:
        return died(task, f"this worker runs Keras on {environment['backend']}", row)
    run = task.run
    note = slow_path_note(run.spec.name, run.hparams, environment["device"])
    if note:
        report(f"note: {note}")
    from zoo.trainer import train_model

    try:
        with contextlib.redirect_stdout(sys.stderr):  # Keras's progress lines
            result = train_model(
                run.spec, data, run.train, run.hparams, run.embedding_matrix, verbose
            )
        row.update(result.metrics, status="ok")
        return Outcome(task, row, RunLog(result.test_probabilities, data.y_test, result.history))
    except Exception as exc:  # one model's failure must not stop the others
        row.update(status="error", error=one_line(exc))
        return Outcome(task, row)
    finally:
        keras.backend.clear_session()


def timestamp() -> str:
    """Now, in UTC, to the second: the results file's ``timestamp`` column."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def died(task: RunTask, reason: str, row: dict[str, Any] | None = None) -> Outcome:
    """The error row of a run that never finished: its worker died, or could not start it."""
    if row is None:
        row = {**task.row, **dict.fromkeys(ENVIRONMENT_COLUMNS, ""), "backend": task.backend}
    return Outcome(task, {**row, "status": "error", "error": reason})


def slow_path_note(name: str, hparams: dict[str, Any], device: str) -> str | None:
    """A warning when ``hparams`` take a recurrent model off cuDNN on a GPU, else None."""
    rate = hparams.get("recurrent_dropout", 0)
    if not rate or device.startswith("cpu"):
        return None
    return (
        f"{name}: recurrent_dropout={rate} takes its LSTM off cuDNN, which can make it 10 times "
        f"slower or more on this GPU; set {name}.recurrent_dropout=0 for the fast path"
    )
