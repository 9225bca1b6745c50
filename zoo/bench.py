"""The benchmark harness: the same data for every model, one row per finished run.

Each model and seed trains inside its own try/except: a failure becomes an error row and the
benchmark goes on. Rows are appended to the results file as each run finishes, so an interrupt
keeps every finished row; ``resume`` skips runs already recorded with the same key and seed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.config import ExperimentConfig
from zoo.data.prepare import PreparedData
from zoo.data.settings import DataSettings
from zoo.errors import one_line
from zoo.experiment import Experiment, PlannedRun, run_key
from zoo.interrupts import check_interrupted, deferred_interrupts
from zoo.registry import get_registry
from zoo.results import append_result, check_results_path, read_results
from zoo.runlog import RunLog, write_log


@dataclass
class BenchPlan:
    """What to run: architectures, settings, how many seeds, where rows go."""

    models: list[str]
    config: ExperimentConfig
    results_path: Path
    seeds: int = 1
    resume: bool = False
    command: str = ""
    verbose: int | str = 2


def run_benchmark(
    plan: BenchPlan,
    report: Callable[[str], None] = print,
    rows: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Run every (model, seed) of ``plan``; finished rows are appended to ``rows`` as they come."""
    rows = [] if rows is None else rows
    registry = get_registry()
    experiment = Experiment.from_config(
        plan.config, [registry.architecture(name) for name in plan.models]
    )
    check_results_path(plan.results_path)
    data, runs = experiment.prepare(report, summary=plan.verbose != 0)
    # every check on user input is done: only now pay for importing Keras and its backend
    from zoo.backend import describe_backend, import_keras
    from zoo.trainer import train_model

    keras = import_keras()
    environment = describe_backend()
    for run in runs:
        note = slow_path_note(run.spec.name, run.hparams, environment["device"])
        if note:
            report(f"note: {note}")
    done = _recorded(plan.results_path) if plan.resume else {}
    for planned in runs:
        key = run_key(planned, data, experiment.data_settings, environment["backend"])
        for offset in range(plan.seeds):
            check_interrupted()
            run = planned.with_seed(planned.train.seed + offset)
            name, seed = run.spec.name, run.train.seed
            if (name, key, seed) in done:
                report(f"skip: {name} seed {seed} is already recorded")
                rows.append(done[(name, key, seed)])
                continue
            report(f"run: {name} seed {seed} ({environment['backend']})")
            row = result_row(run, key, data, experiment.data_settings, environment, plan.command)
            try:
                result = train_model(
                    run.spec, data, run.train, run.hparams, run.embedding_matrix, plan.verbose
                )
                row.update(result.metrics, status="ok")
                log = RunLog(result.test_probabilities, data.y_test, result.history)
                write_log(plan.results_path, row, log)  # before the row: a row finds its log
            except Exception as exc:  # one model's failure must not stop the others
                row.update(status="error", error=one_line(exc))
                report(f"error: {name} seed {seed}: {row['error']}")
            finally:
                keras.backend.clear_session()
            with deferred_interrupts():  # the row is in the file and the table, or in neither
                append_result(plan.results_path, row)
                rows.append(row)
    return rows


def slow_path_note(name: str, hparams: dict[str, Any], device: str) -> str | None:
    """A warning when ``hparams`` take a recurrent model off cuDNN on a GPU, else None."""
    rate = hparams.get("recurrent_dropout", 0)
    if not rate or device.startswith("cpu"):
        return None
    return (
        f"{name}: recurrent_dropout={rate} takes its LSTM off cuDNN, which can make it 10 times "
        f"slower or more on this GPU; set {name}.recurrent_dropout=0 for the fast path"
    )


def _recorded(path: Path) -> dict[tuple, dict[str, Any]]:
    return {
        (row["model"], row["config_hash"], row["seed"]): row
        for row in read_results(path)
        if row["status"] == "ok"
    }


def result_row(
    run: PlannedRun,
    key: str,
    data: PreparedData,
    settings: DataSettings,
    environment: dict[str, str],
    command: str,
) -> dict[str, Any]:
    """The columns of a results row that are known before training."""
    train = run.train
    return {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": run.spec.name,
        "provider": run.spec.provider_label,
        "seed": train.seed,
        "config_hash": key,
        "target_accuracy": train.target_accuracy,
        "dataset": data.dataset_name,
        "data_fingerprint": data.fingerprint[:16],
        "text_column": data.text_column,
        "label_column": data.label_column,
        "num_classes": data.num_classes,
        "train_size": len(data.x_train),
        "val_size": len(data.x_val),
        "test_size": len(data.x_test),
        "max_tokens": settings.max_tokens,
        "sequence_length": data.vectorizer.sequence_length,
        "batch_size": train.batch_size,
        "epochs": train.epochs,
        "optimizer": train.optimizer,
        "learning_rate": train.learning_rate,
        "precision": train.precision,
        "embeddings": Path(train.embeddings).name if train.embeddings else "",
        "hparams": json.dumps(run.hparams, sort_keys=True),
        "command": command,
        **environment,
    }
