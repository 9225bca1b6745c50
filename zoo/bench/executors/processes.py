"""The ``processes`` executor: each run in a fresh Python process, one after another.

A fresh process per run isolates backends (``--backends torch,jax`` in one bench) and frees all
GPU memory between runs. The data are pickled once into a private temporary folder, which every
worker reads; a worker that dies (killed, out of memory) is started again up to ``retries``
times, and only a worker that finished writes an outcome, so a run is never recorded twice.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from zoo.bench.executors.task import Outcome, RunTask, died
from zoo.data.prepare import PreparedData
from zoo.errors import one_line


class ProcessExecutor:
    """Run each task in ``python -m zoo.bench.executors.worker``, its backend set by environment."""

    def __init__(self, retries: int) -> None:
        self.retries = retries

    def run(
        self,
        tasks: Iterable[RunTask],
        data: PreparedData,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Iterator[Outcome]:
        with tempfile.TemporaryDirectory(prefix="zoo-workers-") as folder:
            data_path = Path(folder) / "data.pickle"
            data_path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
            for number, task in enumerate(tasks):
                report(f"run: {task.label}")
                task_path = Path(folder) / f"task-{number}.pickle"
                try:
                    task_path.write_bytes(pickle.dumps(task))
                except Exception as exc:  # e.g. a builder defined inside a function
                    reason = one_line(exc)
                    yield died(task, f"cannot be sent to a worker process ({reason}); {_SHIPPABLE}")
                    continue
                yield self._run_one(task, task_path, data_path, verbose, report)

    def _run_one(
        self,
        task: RunTask,
        task_path: Path,
        data_path: Path,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Outcome:
        out_path = task_path.with_suffix(".outcome")
        environment = {
            **os.environ,
            "KERAS_BACKEND": task.backend,
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
            "ZOO_WORKER_VERBOSE": str(0 if verbose == 0 else 2),
        }
        command = [sys.executable, "-m", "zoo.bench.executors.worker"]
        command += [str(task_path), str(data_path), str(out_path)]
        reason = ""
        for attempt in range(1 + self.retries):
            if attempt:
                report(f"retry: {task.label}, attempt {attempt + 1} of {1 + self.retries}")
            code = _wait(_start(command, environment))
            if out_path.exists():
                return pickle.loads(out_path.read_bytes())
            unloadable = Path(f"{out_path}.error")
            if unloadable.exists():  # rerunning would fail the same way
                reason = unloadable.read_text(encoding="utf-8")
                return died(task, f"a worker process cannot load it ({reason}); {_SHIPPABLE}")
            reason = _death(code)
            report(f"worker died: {task.label}: {reason}")
        return died(task, f"its worker process died {1 + self.retries} time(s), last: {reason}")


_SHIPPABLE = "register the architecture through an entry point that workers can import too"


def _start(command: list[str], environment: dict[str, str]) -> subprocess.Popen:
    """A worker in a session of its own (Ctrl-C reaches only the driver), stdout to stderr."""
    return subprocess.Popen(command, env=environment, stdout=2, start_new_session=True)


def _wait(process: subprocess.Popen) -> int:
    """Wait for ``process``; on an interrupt, kill its whole process group before re-raising."""
    try:
        return process.wait()
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def _death(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code} without a result"
