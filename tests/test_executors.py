"""The local and processes executors: the same rows, retries, runs workers cannot import.

An interrupted bench under processes (and under Ray, in tests/test_ray.py) is finished locally.
"""

from __future__ import annotations

import sys

import pytest

from tests.bench_helpers import (
    accuracies,
    fragile_plugin,
    interrupt_then_resume_locally,
    tiny_plan,
)
from zoo import ArchitectureSpec, HParam
from zoo.backend import configured_backend, import_keras
from zoo.bench.driver import run_benchmark
from zoo.bench.executors import ExecutorSettings
from zoo.bench.results import read_results
from zoo.errors import ConfigError
from zoo.registry import get_registry

pytestmark = pytest.mark.slow

PROCESSES = ExecutorSettings("processes")


def test_processes_give_the_rows_of_local(reviews_csv, tmp_path):
    models = ("cnn1d",)
    local = run_benchmark(tiny_plan(reviews_csv, tmp_path / "a.csv", models, 2), lambda _: None)
    messages: list[str] = []
    apart = run_benchmark(
        tiny_plan(reviews_csv, tmp_path / "b.csv", models, 2, PROCESSES), messages.append
    )
    assert accuracies(apart) == accuracies(local)
    assert all(row.status == "ok" and row.test_accuracy > 0.8 for row in apart)
    assert len(read_results(tmp_path / "b.csv")) == 2
    assert len(list((tmp_path / "b.csv.runs").glob("*.npz"))) == 2  # the driver wrote the logs
    done = [line for line in messages if line.startswith("done:")]
    assert done[0].startswith("done: cnn1d seed 0 (tensorflow): ") and "[1/2, about " in done[0]
    assert done[-1].endswith("[2/2]")


def test_a_dead_worker_is_rerun_and_recorded_once(reviews_csv, tmp_path, install):
    install("zoo-fragile", "fragile_plugin", fragile_plugin(tmp_path / "m"))
    messages: list[str] = []
    results = tmp_path / "r.csv"
    rows = run_benchmark(
        tiny_plan(reviews_csv, results, ("fragile",), 1, PROCESSES), messages.append
    )
    assert [row.status for row in rows] == ["ok"]
    assert [row.seed for row in read_results(results)] == [0]
    assert any(line.startswith("retry: fragile seed 0") for line in messages)
    assert any("worker died: fragile seed 0" in line and "SIGKILL" in line for line in messages)


def test_a_worker_that_keeps_dying_gives_one_error_row(reviews_csv, tmp_path, install):
    install("zoo-fragile", "fragile_plugin", fragile_plugin(tmp_path / "m", remember=False))
    one_retry = ExecutorSettings("processes", retries=1)
    plan = tiny_plan(reviews_csv, tmp_path / "r.csv", ("fragile",), 1, one_retry)
    rows = run_benchmark(plan, lambda _: None)
    assert len(rows) == 1 and rows[0].status == "error"
    assert "died 2 time(s), last: killed by SIGKILL" in rows[0].error
    assert len(read_results(tmp_path / "r.csv")) == 1


def test_sigint_kills_the_worker_keeps_finished_rows_and_local_resume_completes(
    reviews_csv, tmp_path
):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    executor = ["--executor", "processes"]
    interrupt_then_resume_locally(reviews_csv, tmp_path / "r.csv", executor, temporary)
    assert not list(temporary.iterdir())  # the workers' pickles were removed


def test_an_architecture_workers_cannot_import_is_an_error_row(reviews_csv, tmp_path):
    def local_builder(input_spec, embedding_dim):
        raise AssertionError("never built")

    width = {"embedding_dim": HParam(16, "embedding width", 1)}
    spec = ArchitectureSpec("inline", local_builder, "a closure", hparams=width)
    get_registry().architectures["inline"] = spec
    rows = run_benchmark(
        tiny_plan(reviews_csv, tmp_path / "r.csv", ("inline",), 1, PROCESSES), lambda _: None
    )
    assert rows[0].status == "error"
    assert "cannot be sent to a worker process" in rows[0].error


def test_options_that_need_another_executor_are_refused(reviews_csv, tmp_path):
    with pytest.raises(ConfigError, match=r"--gpus-per-run is for --executor ray only"):
        ExecutorSettings("processes", gpus_per_run=0.25).check(["tensorflow"])
    with pytest.raises(ConfigError, match=r"this process's backend \(tensorflow\) only"):
        ExecutorSettings("local").check(["tensorflow", "jax"])
    with pytest.raises(ConfigError, match=r"use --executor processes"):
        ExecutorSettings("local").check(["torch"])


def test_configured_backend_follows_keras_rules(monkeypatch, tmp_path):
    import_keras()
    assert configured_backend() == "tensorflow"  # Keras is loaded: its own answer
    monkeypatch.delitem(sys.modules, "keras")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert configured_backend() == "tensorflow"
    (tmp_path / "keras.json").write_text('{"backend": "torch"}')
    assert configured_backend() == "torch"
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert configured_backend() == "jax"


def test_a_run_its_worker_cannot_load_is_one_error_row_without_retries(
    reviews_csv, tmp_path, install, monkeypatch
):
    install("zoo-fragile", "fragile_plugin", fragile_plugin(tmp_path / "m"))
    monkeypatch.delenv("PYTHONPATH")  # the driver finds the plugin, its workers do not
    messages: list[str] = []
    plan = tiny_plan(reviews_csv, tmp_path / "r.csv", ("fragile",), 1, PROCESSES)
    rows = run_benchmark(plan, messages.append)
    assert rows[0].status == "error"
    assert "a worker process cannot load it (ModuleNotFoundError" in rows[0].error
    assert not [line for line in messages if line.startswith(("retry:", "worker died:"))]
