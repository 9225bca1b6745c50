"""The ``ray`` executor: each run a Ray task, on a local Ray instance or on a cluster.

The prepared data go into Ray's object store once; tasks run wherever the cluster has the CPUs
and GPUs they ask for, and come back in the order they finish. Ray reruns a task whose worker
died (``max_retries``); an exception inside a run is already an error row, so it is not retried.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from types import ModuleType

from zoo.bench.executors.task import Outcome, RunTask, died, execute_task
from zoo.data.prepare import PreparedData
from zoo.errors import ConfigError, one_line


def require_ray() -> ModuleType:
    """The ``ray`` module, or one clear line saying how to install it."""
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")  # each run's epochs under its own name
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray; pip install 'keras-zoo[ray]' (or pip install ray)"
        ) from None
    return ray


class RayExecutor:
    """Submit every run as a Ray task; ``address`` None starts a local Ray instance."""

    def __init__(
        self,
        address: str | None,
        cpus_per_run: float,
        gpus_per_run: float | None,
        retries: int,
    ) -> None:
        self.address = address
        self.cpus_per_run = cpus_per_run
        self.gpus_per_run = gpus_per_run
        self.retries = retries
        self.started = False

    def connect(self) -> None:
        """Join the cluster at ``address`` (None: start a local Ray instance) unless joined."""
        ray = require_ray()
        if ray.is_initialized():
            return
        try:
            ray.init(
                address=self.address,
                include_dashboard=False,
                logging_level=logging.ERROR,
                log_to_driver=True,
            )
        except ConnectionError:
            raise ConfigError(
                f"no Ray cluster answers at {self.address!r}; start one with 'ray start --head', "
                "or leave out --ray-address to start a local one"
            ) from None
        self.started = True

    def run(
        self,
        tasks: Iterable[RunTask],
        data: PreparedData,
        verbose: int | str,
        report: Callable[[str], None],
    ) -> Iterator[Outcome]:
        """As many tasks in flight as the cluster runs at once; the next is taken from
        ``tasks`` when one finishes (a tune plans each trial as late as it can)."""
        ray = require_ray()
        self.connect()
        pending: dict = {}
        try:
            gpus = self._gpus(ray)
            resources = ray.cluster_resources()
            count = f"{len(tasks)} run(s)" if isinstance(tasks, Sized) else "runs"
            report(
                f"ray: {count} on {_describe(resources)}, "
                f"{self.cpus_per_run:g} CPU and {gpus:g} GPU per run"
            )
            remote = ray.remote(_execute_remotely)
            shared = ray.put(data)
            waiting = iter(tasks)
            window = _room(resources, self.cpus_per_run, gpus)
            while True:
                while len(pending) < window and (task := next(waiting, None)) is not None:
                    options = remote.options(
                        num_cpus=self.cpus_per_run,
                        num_gpus=gpus,
                        max_retries=self.retries,
                        retry_exceptions=False,
                        runtime_env={"env_vars": _worker_environment(task.backend, gpus)},
                        name=f"zoo {task.label}",
                    )
                    pending[options.remote(task, shared, verbose)] = task
                if not pending:
                    break
                finished, _ = ray.wait(list(pending), num_returns=1)
                task = pending.pop(finished[0])
                try:
                    outcome = ray.get(finished[0])
                except _deaths(ray) as exc:  # after max_retries reruns
                    times = 1 + self.retries
                    outcome = died(task, f"its Ray worker died {times} time(s): {one_line(exc)}")
                except ray.exceptions.RayError as exc:  # e.g. a plugin the worker cannot import
                    outcome = died(task, f"its Ray task failed: {one_line(exc)}")
                yield outcome
        finally:
            if self.started:  # ending this driver's Ray job stops its tasks still in flight
                ray.shutdown()
                self.started = False
            else:  # Ray was initialised by the caller, who keeps using it
                for ref in pending:
                    ray.cancel(ref)

    def _gpus(self, ray: ModuleType) -> float:
        """The GPUs each run asks for: as given, else one where the cluster has any, else 0."""
        if self.gpus_per_run is not None:
            return self.gpus_per_run
        return 1.0 if ray.cluster_resources().get("GPU", 0) else 0.0


def _room(resources: dict[str, float], cpus: float, gpus: float) -> int:
    """How many runs the cluster holds at once (at least one)."""
    fits = [resources.get("CPU", 0) / cpus] if cpus else []
    fits += [resources.get("GPU", 0) / gpus] if gpus else []
    return max(1, math.floor(min(fits))) if fits else 1


def _deaths(ray: ModuleType) -> tuple[type[Exception], ...]:
    """The errors of a worker or node that died, which Ray retries, unlike a task's own."""
    errors = ray.exceptions
    return (errors.WorkerCrashedError, errors.NodeDiedError, errors.OutOfMemoryError)


def _execute_remotely(task: RunTask, data: PreparedData, verbose: int | str) -> Outcome:
    return execute_task(task, data, verbose)


def _worker_environment(backend: str, gpus: float) -> dict[str, str]:
    environment = {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if 0 < gpus < 1:  # runs share a GPU: JAX must not take 75 % of its memory up front
        environment["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
    if "PYTHONPATH" in os.environ:  # plugins found through it by the driver
        environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return environment


def _describe(resources: dict[str, float]) -> str:
    nodes = sum(1 for name in resources if name.startswith("node:") and "internal" not in name)
    return (
        f"{nodes} node(s) with {resources.get('CPU', 0):g} CPU(s) "
        f"and {resources.get('GPU', 0):g} GPU(s)"
    )
