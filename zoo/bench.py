"""The benchmark harness: the same data for every model, one row per finished run.

Each model and seed trains inside its own try/except: a failure becomes an error row and the
benchmark goes on. Rows are appended to the results file as each run finishes, so an interrupt
keeps every finished row; ``resume`` skips runs already recorded with the same config and seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.config import ExperimentConfig, TrainSettings, config_hash
from zoo.data.embeddings import EmbeddingMatrix, load_embedding_matrix
from zoo.data.prepare import DataSettings, PreparedData, prepare_data
from zoo.errors import one_line
from zoo.registry import get_registry
from zoo.results import append_result, check_results_path, read_results


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
    specs = [registry.architecture(name) for name in plan.models]
    plan.config.check_hparams(specs)
    data_settings = plan.config.data_settings()
    settings = {spec.name: plan.config.train_settings(spec.name) for spec in specs}
    check_results_path(plan.results_path)
    data = prepare_data(data_settings)
    for note in data.notes:
        report(f"note: {note}")
    loaded: dict[str, EmbeddingMatrix] = {}
    matrices = {spec.name: _embeddings(settings[spec.name], data, loaded) for spec in specs}
    hparams_of = {
        spec.name: plan.config.hparams_for(spec, _width(matrices[spec.name])) for spec in specs
    }
    for path, vectors in loaded.items():
        report(f"embeddings: {vectors.coverage} in {Path(path).name}")
    # every check on user input is done: only now pay for importing Keras and its backend
    import keras

    from zoo.backend import describe_backend
    from zoo.trainer import train_model

    environment = describe_backend()
    for spec in specs:
        note = slow_path_note(spec.name, hparams_of[spec.name], environment["device"])
        if note:
            report(f"note: {note}")
    done = _recorded(plan.results_path) if plan.resume else {}
    for spec in specs:
        base = settings[spec.name]
        hparams = hparams_of[spec.name]
        matrix = matrices[spec.name]
        for offset in range(plan.seeds):
            train = dataclasses.replace(base, seed=base.seed + offset)
            key = config_hash(
                spec.name,
                _data_key(data_settings),
                _train_key(train),
                hparams,
                environment["backend"],
            )
            if (spec.name, key, train.seed) in done:
                report(f"skip: {spec.name} seed {train.seed} is already recorded")
                rows.append(done[(spec.name, key, train.seed)])
                continue
            report(f"run: {spec.name} seed {train.seed} ({environment['backend']})")
            row = _base_row(plan, spec, key, train, hparams, data, data_settings, environment)
            try:
                result = train_model(spec, data, train, hparams, matrix, verbose=plan.verbose)
                row.update(result.metrics, status="ok")
            except Exception as exc:  # one model's failure must not stop the others
                row.update(status="error", error=one_line(exc))
                report(f"error: {spec.name} seed {train.seed}: {row['error']}")
            finally:
                keras.backend.clear_session()
            append_result(plan.results_path, row)
            rows.append(row)
    return rows


def _embeddings(train: TrainSettings, data: PreparedData, cache: dict[str, EmbeddingMatrix]) -> Any:
    """The embedding matrix for ``train``'s vectors, each file read once."""
    if not train.embeddings:
        return None
    if train.embeddings not in cache:
        cache[train.embeddings] = load_embedding_matrix(
            train.embeddings, data.vectorizer.vocabulary
        )
    return cache[train.embeddings].matrix


def slow_path_note(name: str, hparams: dict[str, Any], device: str) -> str | None:
    """A warning when ``hparams`` take a recurrent model off cuDNN on a GPU, else None."""
    rate = hparams.get("recurrent_dropout", 0)
    if not rate or device.startswith("cpu"):
        return None
    return (
        f"{name}: recurrent_dropout={rate} takes its LSTM off cuDNN, which can make it 10 times "
        f"slower or more on this GPU; set {name}.recurrent_dropout=0 for the fast path"
    )


def _width(matrix: Any) -> int | None:
    return None if matrix is None else int(matrix.shape[1])


def _recorded(path: Path) -> dict[tuple, dict[str, Any]]:
    return {
        (row["model"], row["config_hash"], row["seed"]): row
        for row in read_results(path)
        if row["status"] == "ok"
    }


def _data_key(settings: DataSettings) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(settings).items() if k != "path"}


def _train_key(settings: TrainSettings) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(settings).items() if k != "seed"}


def _base_row(plan, spec, key, train, hparams, data, data_settings, environment) -> dict[str, Any]:
    return {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": spec.name,
        "provider": f"{spec.provider} {spec.provider_version}".strip(),
        "seed": train.seed,
        "config_hash": key,
        "target_accuracy": train.target_accuracy,
        "dataset": data.dataset_name,
        "train_size": len(data.x_train),
        "val_size": len(data.x_val),
        "test_size": len(data.x_test),
        "max_tokens": data_settings.max_tokens,
        "sequence_length": data.vectorizer.sequence_length,
        "batch_size": train.batch_size,
        "epochs": train.epochs,
        "optimizer": train.optimizer,
        "learning_rate": train.learning_rate,
        "precision": train.precision,
        "embeddings": Path(train.embeddings).name if train.embeddings else "",
        "hparams": json.dumps(hparams, sort_keys=True),
        "command": plan.command,
        **environment,
    }
