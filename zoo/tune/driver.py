"""``zoo tune``: the same budget of trials for each architecture, chosen on validation; as soon
as an architecture's study ends, its best settings are trained with every seed and scored on
test once, so an interrupted tune keeps the tuned rows of the architectures done before.

This process is the driver, as in a bench: it checks the settings, prepares the data once and is
the only one to talk to the studies (``zoo.tune.study``) and to write the results file. Trials
run through the bench's executors on the data without their test split; each one is planned
(asked of the study) only when an executor has room for it, so the sampler learns from every
trial finished before. A trial stops early when its validation accuracy falls below the median
of the finished trials at the same epoch (pruned), and its epochs count in its architecture's
budget all the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo.backend import configured_backend
from zoo.bench.driver import Bench, BenchPlan
from zoo.bench.executors import Executor, ExecutorSettings, make_executor
from zoo.bench.executors.task import Outcome, RunTask
from zoo.bench.results import check_results_path
from zoo.bench.row import ResultRow
from zoo.config import ExperimentConfig, config_hash
from zoo.data.prepare import PreparedData
from zoo.errors import ConfigError, TrainingError
from zoo.experiment import Experiment, run_key
from zoo.interrupts import deferred_interrupts
from zoo.registry import get_registry
from zoo.train.length import PRUNED
from zoo.tune import study as studies
from zoo.tune.best import write_config
from zoo.tune.space import SearchSpace, require_tunable, search_space

TUNED_FILE = "zoo-tuned.toml"


@dataclass
class TunePlan:
    """What to tune: architectures, settings, the trials each gets, the seeds of the final runs,
    where rows, studies and the best settings go, and how trials execute."""

    models: list[str]
    config: ExperimentConfig
    results_path: Path
    trials: int
    seeds: int = 1
    storage: str | None = None  # a storage URL; None: zoo-tune.db beside the results file
    study: str | None = None  # a name for the studies (NAME.ARCH); None: named by their key
    best_config: Path | None = None  # None: zoo-tuned.toml beside the results file
    prune_after: int = studies.PRUNE_AFTER  # complete trials before pruning starts
    command: str = ""
    verbose: int | str = 2
    executor: ExecutorSettings = field(default_factory=ExecutorSettings)

    def check(self) -> None:
        if self.trials < 1:
            raise ConfigError(f"--trials must be 1 or more, got {self.trials}")
        if self.seeds < 1:
            raise ConfigError(f"--seeds must be 1 or more, got {self.seeds}")
        if self.prune_after < 1:
            raise ConfigError(f"--prune-after must be 1 or more, got {self.prune_after}")

    @property
    def config_path(self) -> Path:
        return self.best_config or self.results_path.absolute().parent / TUNED_FILE


@dataclass
class Budget:
    """What one architecture's study spent and found."""

    model: str
    study: str
    complete: int = 0
    pruned: int = 0
    failed: int = 0
    epochs: int = 0
    seconds: float = 0.0
    best_val_accuracy: float | None = None
    best_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class TuneResult:
    budgets: list[Budget]
    rows: list[ResultRow]  # the final runs with the best settings, one per seed
    default_keys: set[str]  # run keys of the same architectures at the untuned settings


def run_tune(plan: TunePlan, report: Callable[[str], None] = print) -> TuneResult:
    """Search each architecture of ``plan`` in turn with the same number of trials, then add
    its best settings to the config file, train them with ``plan.seeds`` seeds and record
    their rows."""
    plan.check()
    backend = configured_backend()
    plan.executor.check([backend])
    registry = get_registry()
    specs = [registry.architecture(name) for name in plan.models]
    experiment = Experiment.from_config(plan.config, specs)
    for spec in specs:
        require_tunable(spec)
    check_results_path(plan.results_path)
    url = studies.storage_url(plan.storage, plan.results_path)
    studies.require_optuna()
    executor = make_executor(plan.executor)
    data, runs = experiment.prepare(report, summary=plan.verbose != 0)
    storage = studies.open_storage(url)  # once the data are known to load: nothing written before
    settings = experiment.data_settings
    spaces = {
        run.spec.name: search_space(run.spec, plan.config, run.train, len(data.x_train))
        for run in runs
    }
    searched = data.without_test()  # trials never see the test split
    bench_plan = BenchPlan(
        plan.models,
        plan.config,
        plan.results_path,
        seeds=plan.seeds,
        resume=True,  # a rerun of the same tune trains no seed twice
        command=plan.command,
        verbose=plan.verbose,
        executor=plan.executor,
    )
    bench = Bench(bench_plan, settings, data, executor, [backend])
    best_path = plan.config_path
    budgets: list[Budget] = []
    rows: list[ResultRow] = []
    for run in runs:  # each architecture's tuned rows as soon as its study ends
        space = spaces[run.spec.name]
        key = config_hash(
            run_key(run, data, settings, backend),
            [dimension.describe() for dimension in space.dimensions],
        )
        name = f"{plan.study}.{run.spec.name}" if plan.study else f"{run.spec.name}-{key}"
        study = studies.open_study(storage, name, key, run.train.seed, plan.trials)
        if not study.trials:  # a new study starts from the untuned settings
            study.enqueue_trial(space.start(run.train, run.hparams), skip_if_exists=True)
        budget = Search(plan, study, space, searched, executor, backend, report).run()
        budgets.append(budget)
        tuned = plan.config.merged(space.settings_of(study.best_trial.params))
        if write_config(best_path, tuned, [budget], url):
            report(f"zoo: {best_path} held best settings of other data or settings; replaced")
        report(f"zoo: {run.spec.name}'s best settings in {best_path}")
        final = Experiment.from_config(tuned, [run.spec]).plan_runs(data, report)
        bench.run(final, report, rows, studies={budget.model: budget.study})
    default_keys = {run_key(run, data, settings, backend) for run in runs}
    return TuneResult(budgets, rows, default_keys)


class Search:
    """One architecture's trials: up to the study's total, each asked of the study when the
    executor has room, told its outcome when it finishes."""

    def __init__(
        self,
        plan: TunePlan,
        study: Any,
        space: SearchSpace,
        data: PreparedData,
        executor: Executor,
        backend: str,
        report: Callable[[str], None],
    ) -> None:
        self.plan, self.study, self.space, self.data = plan, study, space, data
        self.executor, self.backend, self.report = executor, backend, report
        self.distributions = studies.distributions(space)
        self.in_flight: dict[int, Any] = {}

    def run(self) -> Budget:
        abandoned = studies.fail_abandoned(self.study)
        if abandoned:
            self.report(f"note: {abandoned} trial(s) of a driver that no longer runs marked failed")
        done = len(studies.finished(self.study))
        name = self.space.architecture
        if done >= self.plan.trials:
            self.report(f"skip: {name} has {done} of {self.plan.trials} trials finished")
        else:
            first, study = done + 1, self.study.study_name
            self.report(f"tune: {name}, trials {first} to {self.plan.trials} in study {study}")
            searched = "; ".join(dimension.describe() for dimension in self.space.dimensions)
            self.report(f"tune: {name} searches {searched}")
            tasks = self._tasks(self.plan.trials - done)
            outcomes = self.executor.run(tasks, self.data, self.plan.verbose, self.report)
            try:
                with contextlib.closing(outcomes):
                    for outcome in outcomes:
                        with deferred_interrupts():  # told once, or not at all
                            self._tell(outcome)
            finally:
                self._abandon_in_flight()
        if not _has_complete(self.study):
            raise TrainingError(f"no trial of {name} completed; see the errors above")
        return self.budget()

    def _tasks(self, count: int) -> Iterator[RunTask]:
        """Up to ``count`` trials, each planned when the executor asks for it; none once the
        study holds its total (another driver may have run some)."""
        for _ in range(count):
            taken = len(studies.finished(self.study)) + len(studies.running(self.study))
            if taken >= self.plan.trials:
                return
            with deferred_interrupts():  # asked, labelled and in flight, or not asked at all
                trial = self.study.ask(self.distributions)
                trial.set_user_attr(studies.DRIVER_ATTR, studies.driver_label())
                self.in_flight[trial.number] = trial
            yield self._task(trial)

    def _task(self, trial: Any) -> RunTask:
        spec = get_registry().architecture(self.space.architecture)
        config = self.plan.config.merged(self.space.settings_of(trial.params))
        (run,) = Experiment.from_config(config, [spec]).plan_runs(self.data, lambda _: None)
        key = f"trial {trial.number}"
        row = ResultRow.planned(run, key, self.data, config.data_settings(), self.plan.command)
        bars = studies.stop_bars(
            studies.finished(self.study), run.train.epochs, self.plan.prune_after
        )
        return RunTask(run, key, self.backend, row, trial=trial.number, stop_below=bars)

    def _tell(self, outcome: Outcome) -> None:
        optuna = studies.require_optuna()
        states = optuna.trial.TrialState
        trial = self.in_flight.pop(outcome.task.trial)
        row = outcome.row
        accuracies = (outcome.history or {}).get("val_accuracy", [])
        for epoch, accuracy in enumerate(accuracies):
            trial.report(accuracy, epoch)
        for name in ("epochs_run", "train_seconds", "stopped", "error"):
            if getattr(row, name) is not None:
                trial.set_user_attr(name, getattr(row, name))
        if not row.ok:
            self.study.tell(trial, state=states.FAIL)
            verdict = f"error: {row.error}"
        elif row.stopped == PRUNED:
            self.study.tell(trial, state=states.PRUNED)
            verdict = f"pruned after {row.epochs_run} epoch(s) at {max(accuracies):.2%}"
        else:
            self.study.tell(trial, row.best_val_accuracy)
            verdict = f"{row.best_val_accuracy:.2%} validation accuracy"
        count = len(studies.finished(self.study))
        so_far = f", best {self.study.best_value:.2%}" if _has_complete(self.study) else ""
        self.report(
            f"trial: {outcome.task.label}: {verdict} in {row.train_seconds or 0:.1f} s "
            f"[{count}/{self.plan.trials}{so_far}]"
        )

    def _abandon_in_flight(self) -> None:
        """Trials an interrupt left unfinished are failed: they never count, and never twice."""
        states = studies.require_optuna().trial.TrialState
        for trial in self.in_flight.values():
            with contextlib.suppress(Exception):
                self.study.tell(trial, state=states.FAIL, skip_if_finished=True)
        self.in_flight.clear()

    def budget(self) -> Budget:
        states = studies.require_optuna().trial.TrialState
        budget = Budget(self.space.architecture, self.study.study_name)
        for trial in self.study.get_trials(deepcopy=False):
            budget.complete += trial.state == states.COMPLETE
            budget.pruned += trial.state == states.PRUNED
            budget.failed += trial.state == states.FAIL
            if trial.state in (states.COMPLETE, states.PRUNED):
                budget.epochs += int(trial.user_attrs.get("epochs_run", 0))
                budget.seconds += float(trial.user_attrs.get("train_seconds", 0.0))
        best = self.study.best_trial
        budget.best_val_accuracy = best.value
        budget.best_settings = dict(best.params)
        return budget


def _has_complete(study: Any) -> bool:
    states = studies.require_optuna().trial.TrialState
    return bool(study.get_trials(deepcopy=False, states=(states.COMPLETE,)))
