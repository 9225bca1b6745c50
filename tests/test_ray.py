"""The ray executor on a local Ray instance the tests start (skipped where Ray is missing)."""

from __future__ import annotations

import pytest

from tests.bench_helpers import (
    accuracies,
    fragile_plugin,
    interrupt_then_resume_locally,
    tiny_plan,
)
from zoo.bench.driver import run_benchmark
from zoo.bench.executors import ExecutorSettings, make_executor
from zoo.bench.results import read_results
from zoo.errors import ConfigError
from zoo.tune.driver import run_tune

ray = pytest.importorskip("ray")
optuna = pytest.importorskip("optuna")

pytestmark = [pytest.mark.slow, pytest.mark.ray, pytest.mark.xdist_group("ray")]


@pytest.fixture(scope="module")
def ray_address():
    """A local two-CPU Ray instance for this module's tests; yields its address."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def on_ray(address: str, retries: int = 2) -> ExecutorSettings:
    return ExecutorSettings("ray", retries=retries, ray_address=address)


def test_ray_gives_the_rows_of_local(reviews_csv, tmp_path, ray_address):
    models = ("cnn1d", "bow_logreg")
    local = run_benchmark(tiny_plan(reviews_csv, tmp_path / "a.csv", models), lambda _: None)
    messages: list[str] = []
    plan = tiny_plan(reviews_csv, tmp_path / "b.csv", models, 1, on_ray(ray_address))
    distributed = run_benchmark(plan, messages.append)
    assert accuracies(distributed) == accuracies(local)
    recorded = read_results(tmp_path / "b.csv")
    assert sorted((row.model, row.seed) for row in recorded) == sorted(accuracies(local))
    assert all(row.status == "ok" and row.keras_version for row in recorded)
    assert len(list((tmp_path / "b.csv.runs").glob("*.npz"))) == 2
    assert messages[-1].startswith("done: ") and messages[-1].endswith("[2/2]")
    assert ray.is_initialized()  # a Ray instance the bench joined is left running


def test_a_killed_worker_is_retried_and_recorded_once(reviews_csv, tmp_path, ray_address, install):
    install("zoo-fragile", "fragile_plugin", fragile_plugin(tmp_path / "m"))
    results = tmp_path / "r.csv"
    plan = tiny_plan(reviews_csv, results, ("fragile",), 1, on_ray(ray_address))
    rows = run_benchmark(plan, lambda _: None)
    assert (tmp_path / "m").exists()  # its worker did die
    assert [row.status for row in rows] == ["ok"]
    assert [row.seed for row in read_results(results)] == [0]


def test_a_worker_that_keeps_dying_is_one_error_row(reviews_csv, tmp_path, ray_address, install):
    install("zoo-fragile", "fragile_plugin", fragile_plugin(tmp_path / "m", remember=False))
    plan = tiny_plan(reviews_csv, tmp_path / "r.csv", ("fragile",), 1, on_ray(ray_address, 1))
    rows = run_benchmark(plan, lambda _: None)
    assert len(rows) == 1 and rows[0].status == "error"
    assert "Ray worker died 2 time(s)" in rows[0].error
    assert len(read_results(tmp_path / "r.csv")) == 1


def test_sigint_keeps_finished_rows_and_local_resume_completes(reviews_csv, tmp_path, ray_address):
    executor = ["--executor", "ray", "--ray-address", ray_address]
    interrupt_then_resume_locally(reviews_csv, tmp_path / "r.csv", executor)


def test_a_cluster_that_does_not_answer_is_one_line(monkeypatch):
    def refuse(**options):
        raise ConnectionError("Could not find any running Ray instance.")

    monkeypatch.setattr(ray, "init", refuse)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    with pytest.raises(ConfigError, match=r"^no Ray cluster answers at 'auto'; start one with"):
        make_executor(ExecutorSettings("ray", ray_address="auto"))


def test_parallel_trials_on_ray_are_each_recorded_once(reviews_csv, tmp_path, ray_address):
    from tests.test_tune import tune_plan
    from zoo.tune import study as studies

    plan = tune_plan(reviews_csv, tmp_path, trials=3)
    plan.executor = on_ray(ray_address)
    messages: list[str] = []
    (budget,) = run_tune(plan, messages.append).budgets
    assert budget.complete + budget.pruned == 3 and budget.failed == 0
    storage = studies.open_storage(studies.storage_url(None, plan.results_path))
    study = optuna.load_study(study_name=budget.study, storage=storage)
    assert sorted(t.number for t in study.trials) == [0, 1, 2]
    assert not studies.running(study)
    assert sum(line.startswith("trial: ") for line in messages) == 3
