"""The ``local`` executor: every run in this process, one after another (the default)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from zoo.data.prepare import PreparedData
from zoo.executors.task import Outcome, RunTask, died, execute_task
from zoo.interrupts import check_interrupted


class LocalExecutor:
    """Train each run here; Keras runs the backend chosen for this process."""

    name = "local"

    def run(
        self,
        tasks: list[RunTask],
        data: PreparedData,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Iterator[Outcome]:
        from zoo.backend import import_keras

        backend = import_keras().backend.backend()
        for task in tasks:
            check_interrupted()
            report(f"run: {task.label}")
            if task.backend != backend:
                yield died(task, f"this process runs Keras on {backend}; use --executor processes")
                continue
            yield execute_task(task, data, verbose, report)
