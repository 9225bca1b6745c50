"""Where a bench's runs execute: ``local`` (this process), ``processes`` (one fresh process per
run) or ``ray`` (Ray tasks on a local instance or a cluster).

The driver (``zoo.bench.driver``) prepares the data, plans one ``RunTask`` per run and is the only
writer of the results file; an executor yields each run's ``Outcome`` as it finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from zoo.backend import configured_backend
from zoo.errors import ConfigError

if TYPE_CHECKING:  # the CLI imports this module: no NumPy before a command needs it
    from zoo.bench.executors.task import Outcome, RunTask
    from zoo.data.prepare import PreparedData

EXECUTORS = ("local", "processes", "ray")


class Executor(Protocol):
    """Runs tasks on ``data`` and yields each one's outcome as it finishes, in any order."""

    def run(
        self,
        tasks: Iterable[RunTask],
        data: PreparedData,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Iterator[Outcome]: ...


@dataclass(frozen=True)
class ExecutorSettings:
    """Which executor, and the options that only some executors take."""

    kind: str = "local"
    retries: int = 2  # reruns of a run whose worker died (processes, ray)
    ray_address: str | None = None
    cpus_per_run: float | None = None
    gpus_per_run: float | None = None

    def check(self, backends: list[str]) -> None:
        """One clear line for options that contradict the executor."""
        if self.kind not in EXECUTORS:
            choices = ", ".join(EXECUTORS)
            raise ConfigError(f"unknown executor {self.kind!r}; choose one of {choices}")
        if self.retries < 0:
            raise ConfigError(f"--retries must be 0 or more, got {self.retries}")
        ray_only = {
            "--ray-address": self.ray_address,
            "--cpus-per-run": self.cpus_per_run,
            "--gpus-per-run": self.gpus_per_run,
        }
        given = [flag for flag, value in ray_only.items() if value is not None]
        if given and self.kind != "ray":
            one = len(given) == 1
            raise ConfigError(
                f"{', '.join(given)} {'is' if one else 'are'} for --executor ray only; "
                f"add --executor ray or leave {'it' if one else 'them'} out"
            )
        for flag in ("--cpus-per-run", "--gpus-per-run"):
            value = ray_only[flag]
            if value is not None and value < 0:
                raise ConfigError(f"{flag} must be 0 or more, got {value:g}")
        here = configured_backend()
        if self.kind == "local" and set(backends) != {here}:
            raise ConfigError(
                f"--executor local trains on this process's backend ({here}) only; "
                "use --executor processes (the default with --backends) or ray"
            )


def make_executor(settings: ExecutorSettings) -> Executor:
    """The executor ``settings`` name; Ray is imported only when its executor runs."""
    if settings.kind == "processes":
        from zoo.bench.executors.processes import ProcessExecutor

        return ProcessExecutor(settings.retries)
    if settings.kind == "ray":
        from zoo.bench.executors.cluster import RayExecutor

        executor = RayExecutor(
            settings.ray_address,
            1.0 if settings.cpus_per_run is None else settings.cpus_per_run,
            settings.gpus_per_run,
            settings.retries,
        )
        executor.connect()  # before any data are read: a wrong address is one line
        return executor
    from zoo.bench.executors.local import LocalExecutor

    return LocalExecutor()
