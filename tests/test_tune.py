"""zoo tune on tiny generated data: the search space, pruning, the studies it keeps and resumes,
the test split it never reads, and the config file that reproduces its rows."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.clirun import invoke_zoo, start_zoo
from tests.conftest import write_reviews_csv
from zoo import ArchitectureSpec, HParam
from zoo.bench.driver import BenchPlan, run_benchmark
from zoo.bench.results import read_results
from zoo.bench.row import ResultRow
from zoo.config import ExperimentConfig, assemble_config, load_config
from zoo.errors import ConfigError
from zoo.registry import get_registry
from zoo.report.budget import study_curves
from zoo.train.settings import TrainSettings
from zoo.tune import study as studies
from zoo.tune.best import write_config
from zoo.tune.driver import Budget, Search, TunePlan, run_tune
from zoo.tune.space import search_space

optuna = pytest.importorskip("optuna")

# toy data, and a fixed length that keeps trials short; the trials search the rest
TOY = ["--max-tokens", "200", "--sequence-length", "24", "--epochs", "3"]


def tune_plan(
    data: Path, folder: Path, models=("bow_logreg",), trials=3, study=None, **flags
) -> TunePlan:
    options = {
        "path": str(data),
        "max_tokens": 200,
        "sequence_length": "24",
        "epochs": 3,
        **flags,
    }
    return TunePlan(
        list(models),
        assemble_config(**options),
        folder / "results.csv",
        trials=trials,
        study=study,
        verbose=0,
    )


def load(folder: Path, name: str):
    storage = studies.open_storage(studies.storage_url(None, folder / "results.csv"))
    return optuna.load_study(study_name=name, storage=storage)


def test_the_space_comes_from_the_hparams_and_leaves_out_what_the_user_set():
    spec = get_registry().architecture("cnn1d")
    config = ExperimentConfig(hparams={"cnn1d": {"filters": 64}})
    space = search_space(spec, config, TrainSettings(), train_size=720)
    by_name = {dimension.name: dimension for dimension in space.dimensions}
    assert "hparams.filters" not in by_name  # the user's value is kept
    rate = by_name["train.learning_rate"]
    assert (rate.low, rate.high, rate.log) == pytest.approx((1e-4, 1e-2, True))
    assert by_name["train.batch_size"].choices == (16, 32, 64, 128)
    assert (by_name["train.epochs"].low, by_name["train.epochs"].high) == (1, 40)
    assert by_name["hparams.embedding_dim"].log and by_name["hparams.embedding_dim"].kind is int
    assert (by_name["hparams.dropout"].low, by_name["hparams.dropout"].high) == (0.0, 0.7)
    tuned = space.settings_of({"train.epochs": 12, "hparams.kernel_size": 5})
    assert tuned.train == {"cnn1d": {"epochs": 12, "patience": 3}}  # searched epochs stop early
    assert tuned.hparams == {"cnn1d": {"kernel_size": 5}}


def test_the_best_settings_file_keeps_the_architectures_tuned_before_on_the_same_data(tmp_path):
    path, data = tmp_path / "zoo-tuned.toml", {"path": "reviews.csv", "max_tokens": 200}

    def tune(data: dict, model: str, study: str, batch_size: int) -> bool:
        config = ExperimentConfig(dict(data), {model: {"batch_size": batch_size}}, {model: {}})
        return write_config(path, config, [Budget(model, study, best_val_accuracy=0.8)], "db")

    assert not tune(data, "cnn1d", "cnn1d-a", 16) and not tune(data, "bilstm", "bilstm-b", 32)
    assert load_config(path).train == {"cnn1d": {"batch_size": 16}, "bilstm": {"batch_size": 32}}
    assert not tune(data, "cnn1d", "cnn1d-c", 64)  # a new tune of one replaces its table only
    assert load_config(path).train == {"cnn1d": {"batch_size": 64}, "bilstm": {"batch_size": 32}}
    studies_named = [line for line in path.read_text().splitlines() if ": study " in line]
    assert studies_named == ["# bilstm: study bilstm-b in db, best 80.00%",
                             "# cnn1d: study cnn1d-c in db, best 80.00%"]  # fmt: skip
    assert tune({**data, "max_tokens": 300}, "lstm", "lstm-d", 16)  # other data: replaced
    assert load_config(path).train == {"lstm": {"batch_size": 16}}


def test_an_architecture_with_nothing_to_tune_is_refused():
    rigid = ArchitectureSpec("rigid", lambda spec, width: None, "x", {"width": HParam(8, "", 1)})
    with pytest.raises(ConfigError, match="'rigid' has nothing to tune"):
        search_space(rigid, ExperimentConfig(), TrainSettings(), 100)


def test_the_bars_are_the_median_of_complete_trials_at_each_epoch():
    study = optuna.create_study(direction="maximize")
    distributions = {"x": optuna.distributions.FloatDistribution(0, 1)}
    for curve, state in (
        ([0.5, 0.7, 0.8], "COMPLETE"),
        ([0.6, 0.6], "COMPLETE"),
        ([0.9, 0.95, 0.99], "COMPLETE"),
        ([0.1], "PRUNED"),
    ):
        trial = study.ask(distributions)
        for epoch, value in enumerate(curve):
            trial.report(value, epoch)
        state = optuna.trial.TrialState[state]
        study.tell(trial, curve[-1] if state.name == "COMPLETE" else None, state=state)
    assert studies.stop_bars(study.trials, 4) == (None,) * 4  # fewer than 5 complete trials
    bars = studies.stop_bars(study.trials, 4, after=2)
    assert bars == (0.6, 0.7, pytest.approx(0.895), None)  # pruned trials set no bar


def test_storage_urls_are_checked_and_default_beside_the_results(tmp_path):
    default = studies.storage_url(None, tmp_path / "r.csv")
    assert default == f"sqlite:///{tmp_path / 'zoo-tune.db'}"
    assert studies.storage_url("journal:/x/y.log", tmp_path) == "journal:/x/y.log"
    assert studies.storage_url("postgresql+psycopg2://u@h/db", tmp_path).startswith("postgresql")
    with pytest.raises(ConfigError, match="unknown storage URL 'redis://h'"):
        studies.storage_url("redis://h", tmp_path)


def test_a_report_draws_the_studies_it_finds_and_creates_no_database(tmp_path):
    tuned, copied = tmp_path / "tuned", tmp_path / "copied"
    study = optuna.create_study(
        study_name="s", storage=studies.open_storage(studies.storage_url(None, tuned / "r.csv"))
    )
    for value in (0.7, 0.9):
        study.add_trial(optuna.trial.create_trial(value=value))
    row = ResultRow(model="cnn1d", study="s")
    curves = study_curves([(tuned / "r.csv", row)])
    assert curves == {"cnn1d (s)": pytest.approx([0.8, 0.85])}  # 0.7 / 4 + 0.9 * 3 / 4
    copied.mkdir()  # rows copied into a folder without the study's database
    assert study_curves([(copied / "r.csv", row)]) == {}
    assert study_curves([(tuned / "r.csv", row)], f"journal:{copied / 'j.log'}") == {}
    assert list(copied.iterdir()) == []


class SplitWasRead(BaseException):
    """Not an Exception: no run may turn it into an error row."""


class Poison:
    """A test split that fails when its contents are read (its size may be known)."""

    def __len__(self) -> int:
        return 100

    def __getattr__(self, name):
        raise SplitWasRead(name)

    def __array__(self, *args, **kwargs):
        raise SplitWasRead("__array__")

    def __getitem__(self, index):
        raise SplitWasRead("__getitem__")


@pytest.mark.slow
def test_the_search_never_reads_the_test_split_and_prunes_below_the_bars(tmp_path, monkeypatch):
    """Trials run on data whose test split fails when read; the search finishes, and only the
    final run fails. Every trial after the first meets bars no accuracy clears: pruned after its
    first epoch, which counts in the budget."""
    from zoo import experiment

    prepare = experiment.prepare_data

    def poisoned(settings, use_cache=True):
        return dataclasses.replace(prepare(settings, use_cache), x_test=Poison(), y_test=Poison())

    monkeypatch.setattr(experiment, "prepare_data", poisoned)
    monkeypatch.setattr(
        studies, "stop_bars", lambda trials, epochs, after: (1.01,) * epochs if trials else ()
    )
    data = write_reviews_csv(tmp_path / "reviews.csv")
    with pytest.raises(SplitWasRead):
        run_tune(tune_plan(data, tmp_path, trials=3), lambda _: None)  # once it scores on test
    (name,) = optuna.get_all_study_names(studies.open_storage(f"sqlite:///{tmp_path}/zoo-tune.db"))
    study = load(tmp_path, name)
    assert [t.state.name for t in study.trials] == ["COMPLETE", "PRUNED", "PRUNED"]
    pruned = study.trials[1:]
    assert [t.user_attrs["epochs_run"] for t in pruned] == [1, 1]
    assert all(list(t.intermediate_values) == [0] for t in pruned)


@pytest.mark.slow
def test_a_tune_records_resumes_extends_refuses_other_data_and_its_config_reproduces_it(
    tmp_path,
):
    data = write_reviews_csv(tmp_path / "reviews.csv", flip_every=7)
    models = ("bow_logreg", "tfidf_logreg")
    plan = tune_plan(data, tmp_path, models=models, trials=2, study="mine")
    said: list[str] = []
    first = run_tune(plan, said.append)
    done = next(i for i, line in enumerate(said) if line.startswith("done: bow_logreg"))
    assert done < said.index("tune: tfidf_logreg, trials 1 to 2 in study mine.tfidf_logreg")
    assert [(b.model, b.complete + b.pruned) for b in first.budgets] == [
        ("bow_logreg", 2),
        ("tfidf_logreg", 2),
    ]
    assert all(b.epochs >= 3 and b.seconds > 0 for b in first.budgets)
    opening = load(tmp_path, first.budgets[0].study).trials[0].params  # the untuned settings
    assert opening == {
        "train.learning_rate": 0.003,
        "train.batch_size": 64,
        "hparams.ngrams": 1,
    }
    rows = read_results(plan.results_path)
    assert [(row.model, row.study) for row in rows] == [(b.model, b.study) for b in first.budgets]
    assert all(row.test_accuracy is not None for row in rows)
    config = load_config(plan.config_path)
    assert config.train["bow_logreg"]["batch_size"] in (16, 32, 64, 128)

    messages: list[str] = []
    again = run_tune(plan, messages.append)  # the same command: nothing new
    assert sum("skip:" in line for line in messages) == 4  # two studies, two recorded rows
    assert [b.complete + b.pruned for b in again.budgets] == [2, 2]
    assert read_results(plan.results_path) == rows

    more = run_tune(dataclasses.replace(plan, trials=3), lambda _: None)  # a larger total
    assert [b.complete + b.pruned + b.failed for b in more.budgets] == [3, 3]

    bench = BenchPlan(["bow_logreg", "tfidf_logreg"], config, tmp_path / "bench.csv", verbose=0)
    benched = run_benchmark(bench, lambda _: None)
    tuned = {row.model: row for row in read_results(plan.results_path)[-2:]}
    for row in benched:  # zoo bench --config zoo-tuned.toml gives the tuned rows again
        assert row.test_accuracy == tuned[row.model].test_accuracy, row.model

    other = write_reviews_csv(tmp_path / "other.csv", seed=1)
    with pytest.raises(ConfigError, match=r"study 'mine\.bow_logreg' searched other data"):
        run_tune(tune_plan(other, tmp_path, models=models, trials=1, study="mine"), print)


def _tune_args(data: Path, folder: Path, trials: int, *extra: str) -> list[str]:
    args = ["tune", "bow_logreg", "--data", str(data), *TOY, "--quiet"]
    return [*args, "--trials", str(trials), "--results", str(folder / "r.csv"), *extra]


def _study_of(folder: Path):
    storage = studies.open_storage(studies.storage_url(None, folder / "r.csv"))
    (name,) = optuna.get_all_study_names(storage)
    return optuna.load_study(study_name=name, storage=storage)


def _wait_for_finished_trials(folder: Path, driver, count: int, running: bool = False) -> None:
    """Until ``count`` trials are finished (and, with ``running``, the next one has begun)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and driver.poll() is None:
        if (folder / "zoo-tune.db").exists():
            try:
                study = _study_of(folder)
                begun = bool(studies.running(study)) or not running
                if len(studies.finished(study)) >= count and begun:
                    return
            except (KeyError, ValueError):  # the study is being created
                pass
        time.sleep(0.2)
    raise AssertionError(f"{count} trial(s) not finished: {driver.communicate()[1][-2000:]}")


@pytest.mark.slow
def test_a_killed_then_interrupted_tune_resumes_without_repeating_or_losing_trials(tmp_path):
    data = write_reviews_csv(tmp_path / "reviews.csv")
    args = _tune_args(data, tmp_path, 4)
    kept: dict[int, float] = {}
    left_running = 0
    for signal_number, code in ((signal.SIGKILL, -9), (signal.SIGINT, 130)):
        driver = start_zoo(*args)
        killed = signal_number == signal.SIGKILL
        _wait_for_finished_trials(tmp_path, driver, len(kept) + 1, running=killed)
        driver.send_signal(signal_number)
        _, err = driver.communicate(timeout=60)
        assert driver.returncode == code, err
        if killed:  # usually during a trial; a kill between two trials leaves none running
            left_running = len(studies.running(_study_of(tmp_path)))
        else:
            assert err.rstrip().endswith("the same command resumes"), err
            if left_running:  # this driver failed the killed driver's trial
                failed = f"{left_running} trial(s) of a driver that no longer runs marked failed"
                assert failed in err
        finished = {t.number: t.value for t in studies.finished(_study_of(tmp_path))}
        assert all(finished[n] == v for n, v in kept.items())  # none lost, none told again
        kept = finished
    assert len(kept) < 4
    resumed = invoke_zoo(*args)  # in this process: the killed and interrupted are what is tested
    assert resumed.returncode == 0, resumed.stderr
    study = _study_of(tmp_path)
    finished = {t.number: t.value for t in studies.finished(study)}
    assert len(finished) == 4 and all(finished[n] == v for n, v in kept.items())
    assert not studies.running(study)


@pytest.mark.slow
def test_two_drivers_on_one_journal_record_every_trial_once(tmp_path):
    data = write_reviews_csv(tmp_path / "reviews.csv")
    journal = f"journal:{tmp_path / 'shared.log'}"
    args = _tune_args(data, tmp_path, 4, "--storage", journal, "--study", "shared")
    drivers = [start_zoo(*args), start_zoo(*args)]
    for driver in drivers:
        _, err = driver.communicate(timeout=300)
        assert driver.returncode == 0, err
    storage = studies.open_storage(journal)
    study = optuna.load_study(study_name="shared.bow_logreg", storage=storage)
    finished = studies.finished(study)
    assert 4 <= len(finished) <= 5  # at most one extra: both may ask while one slot is left
    assert not studies.running(study)
    assert len({t.number for t in study.trials}) == len(study.trials)
    assert all(t.value is not None for t in finished)


def test_only_the_trials_of_drivers_that_died_here_are_failed():
    dead_pid = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_pid.wait()
    study = optuna.create_study(direction="maximize")
    host = socket.gethostname()
    labels = [f"{host}:{dead_pid.pid}", studies.driver_label(), f"elsewhere:{dead_pid.pid}", None]
    for label in labels:
        trial = study.ask()
        if label:
            trial.set_user_attr(studies.DRIVER_ATTR, label)
    assert studies.fail_abandoned(study) == 1  # a fresh unlabelled trial may still be labelled
    states = [trial.state.name for trial in study.trials]
    assert states == ["FAIL", "RUNNING", "RUNNING", "RUNNING"]


def test_an_interrupt_while_a_trial_is_asked_fails_that_trial(monkeypatch, caught):
    """A Ctrl-C landing while the study creates the next trial: that trial is failed, not left
    running where the next driver would count it toward the total and run one trial less."""
    spec = get_registry().architecture("bow_logreg")
    space = search_space(spec, ExperimentConfig(), TrainSettings(), train_size=720)
    study = optuna.create_study(direction="maximize")
    asked = study.ask

    def ask_then_interrupt(distributions):
        trial = asked(distributions)
        os.kill(os.getpid(), signal.SIGINT)  # before the trial is labelled and in flight
        return trial

    class Draining:  # an executor that takes the tasks and finishes none
        def run(self, tasks, data, verbose, report):
            for _ in tasks:
                pass
            yield from ()

    monkeypatch.setattr(study, "ask", ask_then_interrupt)
    plan = TunePlan(["bow_logreg"], ExperimentConfig(), Path("r.csv"), trials=2)
    search = Search(plan, study, space, None, Draining(), "tensorflow", lambda _: None)
    monkeypatch.setattr(search, "_task", lambda trial: trial)
    with pytest.raises(KeyboardInterrupt):
        search.run()
    assert [trial.state.name for trial in study.trials] == ["FAIL"]


def test_a_resumed_study_does_not_draw_its_first_points_again():
    """Each driver seeds the sampler afresh: seeded alike, a resumed study drew the points its
    first driver drew, and spent trials of its budget on settings it had already tried."""
    storage = optuna.storages.InMemoryStorage()
    space = {name: optuna.distributions.FloatDistribution(0.0, 1.0) for name in ("x", "y")}

    def driver(count: int) -> list[dict]:
        study = studies.open_study(storage, "resumed", "key", seed=0, trials=12)
        drawn = []
        for _ in range(count):
            trial = study.ask(space)
            study.tell(trial, trial.params["x"] + trial.params["y"])
            drawn.append(trial.params)
        return drawn

    first = driver(2)
    resumed = driver(2)
    assert not any(params in first for params in resumed)
