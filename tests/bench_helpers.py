"""What the bench and executor tests share: a tiny bench, and a plugin whose first worker dies."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.clirun import invoke_zoo, start_zoo, zoo_env
from zoo.bench.driver import BenchPlan
from zoo.bench.executors import ExecutorSettings
from zoo.bench.results import read_results
from zoo.config import assemble_config

TINY = ["embedding_dim=16", "cnn1d.filters=16", "cnn1d.dense_units=16", "lstm.units=8"]
TINY_FLAGS = ["--max-tokens", "200", "--sequence-length", "24", "--batch-size", "32"]
TINY_FLAGS += ["--lr", "0.005", *[f"--set={item}" for item in TINY]]

# a cnn1d whose first build anywhere (every build, unless it remembers) kills its own process,
# as the OOM killer or a lost node would
FRAGILE_PLUGIN = """
import os
import signal
from pathlib import Path

from zoo import ArchitectureSpec, HParam, hookimpl
from zoo_plugins import cnn1d

MARKER = Path({marker!r})
REMEMBER = {remember!r}


def build(input_spec, embedding_dim):
    if not MARKER.exists():
        if REMEMBER:
            MARKER.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return cnn1d.build(
        input_spec, embedding_dim=embedding_dim, filters=16, kernel_size=3, dropout=0.5,
        dense_units=16, spatial_dropout=0.0,
    )


@hookimpl
def zoo_register_architectures(register):
    width = {{"embedding_dim": HParam(16, "embedding width", 1)}}
    register(ArchitectureSpec("fragile", build, "dies when built", hparams=width))
"""


def fragile_plugin(marker: Path, remember: bool = True) -> str:
    return FRAGILE_PLUGIN.format(marker=str(marker), remember=remember)


def tiny_plan(
    reviews_csv: Path,
    results: Path,
    models: tuple[str, ...] = ("cnn1d",),
    seeds: int = 1,
    executor: ExecutorSettings | None = None,
    resume: bool = False,
    **flags: object,
) -> BenchPlan:
    """A bench of ``models`` on the toy reviews that learns them in a few seconds; ``flags``
    replace its settings (``epochs=2``)."""
    options = {
        "path": str(reviews_csv),
        "max_tokens": 200,
        "sequence_length": "24",
        "epochs": 8,
        "batch_size": 32,
        "learning_rate": 0.005,  # the toy task in few steps
        "assignments": TINY,
        **flags,
    }
    return BenchPlan(
        list(models),
        assemble_config(**options),
        results,
        seeds=seeds,
        resume=resume,
        verbose=0,
        executor=executor or ExecutorSettings(),
    )


def accuracies(rows: list[dict]) -> dict[tuple[str, int], float]:
    return {(row.model, row.seed): row.test_accuracy for row in rows}


def interrupt_then_resume_locally(
    reviews_csv: Path, results: Path, executor: list[str], temporary: Path | None = None
) -> None:
    """SIGINT a ``zoo bench`` of three seeds under ``executor`` after its first row; finish it
    locally. Two runs may finish together (Ray runs two at once), not the third.

    ``temporary``: the interrupted driver's temporary folder (``TMPDIR``).
    """
    args = ["bench", "cnn1d", "--data", str(reviews_csv), *TINY_FLAGS, "--quiet"]
    args += ["--results", str(results), "--epochs", "15", "--seeds", "3"]
    env = zoo_env(**({"TMPDIR": str(temporary)} if temporary else {}))
    driver = start_zoo(*args, *executor, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not read_results(results):
        time.sleep(0.2)
    driver.send_signal(signal.SIGINT)
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 130, err
    finished = read_results(results)
    assert 1 <= len(finished) < 3 and "interrupted" in err and "cnn1d" in out, (finished, err)
    resumed = invoke_zoo(*args, "--resume")  # the local executor finishes it, in this process
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.count("skip:") == len(finished)
    complete = read_results(results)
    assert sorted(row.seed for row in complete) == list(range(3))
    assert complete[: len(finished)] == finished
