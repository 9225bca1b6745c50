"""zoo train, evaluate and predict: one run saved to a folder, scored again, and served."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from zoo.backend import BACKENDS, select_backend
from zoo.cli.app import (
    cli,
    flush_plugin_warnings,
    zoo_registry,
)
from zoo.cli.options import experiment_options
from zoo.config import assemble_config
from zoo.data.settings import LABEL_FIRST
from zoo.errors import ConfigError, DatasetError


@cli.command("train")
@click.argument("name")
@experiment_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="New folder for the model, vectorizer, config, history and metrics.",
)
@click.option("--quiet", is_flag=True, help="No per-epoch progress.")
def train_command(name: str, out_dir: str, quiet: bool, backend: str | None, **options) -> None:
    """Train one architecture and save the run to --out."""
    from zoo.experiment import Experiment
    from zoo.train.folder import check_output_dir

    spec = zoo_registry().architecture(name)
    flush_plugin_warnings()
    experiment = Experiment.from_config(assemble_config(**options), [spec])
    out = Path(out_dir)
    check_output_dir(out)
    select_backend(backend)
    notify = functools.partial(click.echo, err=True)
    data, (run,) = experiment.prepare(notify, summary=not quiet)
    from zoo.backend import configured_backend
    from zoo.experiment import run_key
    from zoo.train.folder import train_to_folder

    key = run_key(run, data, experiment.data_settings, configured_backend())
    verbose = 0 if quiet else "auto"
    result = train_to_folder(run, data, experiment.data_settings, key, out, verbose, notify)
    metrics = result.metrics
    click.echo(
        f"{name}: test accuracy {metrics['test_accuracy'] * 100:.2f} % on "
        f"{len(data.y_test):,} texts after {metrics['epochs_run']} epoch(s), "
        f"{metrics['train_seconds']:.1f} s; saved to {out}"
    )


@cli.command("evaluate")
@click.argument("run_dir", type=click.Path())
@click.option("--data", "path", help="Other data to evaluate on (default: the run's own).")
@click.option("--dataset", help="Registered dataset name of --data (default: inferred).")
@click.option("--text-column")
@click.option("--label-column")
@click.option("--sep", help="Column separator of --data (default: detected).")
@click.option("--header/--no-header", default=None, help="--data's first row names columns.")
@click.option("--encoding", help="Text encoding of --data (default: utf-8).")
@click.option(
    "--label-first",
    type=click.Choice(LABEL_FIRST),
    help="--data's lines are LABEL TEXT: whole first word, or its part before ':'.",
)
@click.option("--backend", type=click.Choice(BACKENDS))
def evaluate_command(run_dir, backend, **data) -> None:
    """Accuracy of a saved run on the test split its data settings give (or that of --data).

    The run's recorded settings (limit, validation share, split seed) select the same test rows
    that 'zoo train' scored; new data is scored on its whole test split.
    """

    from zoo.ensemble.folder import ENSEMBLE_FILE, is_ensemble_dir
    from zoo.experiment import evaluation_split
    from zoo.train.folder import read_run
    from zoo.train.outputs import predict_labels

    if is_ensemble_dir(run_dir):
        raise ConfigError(
            f"{run_dir} is a saved ensemble: its accuracies are in its {ENSEMBLE_FILE}, and "
            "zoo predict serves it; zoo evaluate takes one 'zoo train' folder"
        )
    run = read_run(run_dir)
    zoo_registry()  # plugins load here, so their warnings wait for the command's outcome
    x_test, y_test, class_names = evaluation_split(
        run.config.get("data", {}), run.vectorizer, **data
    )
    if class_names != run.class_names:
        raise DatasetError(
            f"the data's classes {class_names} differ from the run's {run.class_names}"
        )
    select_backend(backend)
    probabilities = run.predict(x_test, report=functools.partial(click.echo, err=True))
    accuracy = float((predict_labels(probabilities) == y_test).mean())
    architecture = run.config.get("architecture", "?")
    click.echo(f"{architecture}: test accuracy {accuracy * 100:.2f} % on {len(y_test):,} texts")


@cli.command("predict")
@click.argument("run_dir", type=click.Path())
@click.argument("texts", nargs=-1)
@click.option(
    "--file",
    "text_file",
    type=click.File("r", encoding="utf-8"),
    help="Read one text per line ('-' for stdin).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--backend", type=click.Choice(BACKENDS))
def predict_command(run_dir, texts, text_file, fmt, backend) -> None:
    """Predict the label of each text: zoo predict RUN "i really liked the movie".

    RUN is a 'zoo train --out' folder or a saved ensemble ('zoo ensemble RUN... --out').
    """
    from zoo.ensemble.folder import is_ensemble_dir, read_predictor
    from zoo.train.folder import require_run_dir

    if not is_ensemble_dir(run_dir):
        require_run_dir(run_dir)
    items = list(texts)
    if text_file is not None:
        items += [line.rstrip("\n") for line in text_file if line.strip()]
    elif not items or items == ["-"]:
        items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise ConfigError("give texts as arguments, with --file, or one per line on stdin")
    predictor = read_predictor(run_dir)
    select_backend(backend)
    from zoo.train.outputs import confidences, predict_labels

    zoo_registry()  # plugins load here, so their warnings wait for the command's outcome
    probabilities = predictor.predict_texts(items, report=functools.partial(click.echo, err=True))
    labels = predict_labels(probabilities)
    results = [
        {"text": text, "label": predictor.class_names[label], "probability": float(confidence)}
        for text, label, confidence in zip(
            items, labels, confidences(probabilities, labels), strict=True
        )
    ]
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        for item in results:
            click.echo(f"{item['label']}\t{item['probability']:.3f}\t{item['text']}")
