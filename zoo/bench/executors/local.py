"""The ``local`` executor: every run in this process, one after another (the default)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from zoo.bench.executors.task import Outcome, RunTask, execute_task
from zoo.data.prepare import PreparedData
from zoo.interrupts import check_interrupted


class LocalExecutor:
    """Train each run here, on the backend Keras runs in this process."""

    def run(
        self,
        tasks: Iterable[RunTask],
        data: PreparedData,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Iterator[Outcome]:
        for task in tasks:
            check_interrupted()
            report(f"run: {task.label}")
            yield execute_task(task, data, verbose, report)
