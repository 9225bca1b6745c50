"""The ``zoo`` command: parses, calls the library, prints. Keras is imported only when needed."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from zoo import __version__
from zoo.backend import BACKENDS, require_backend, select_backend
from zoo.config import (
    LONGEST,
    OPTIMIZERS,
    PRECISIONS,
    ExperimentConfig,
    load_config,
    load_recipe,
    parse_assignment,
)
from zoo.errors import ConfigError, DatasetError, ZooError, one_line
from zoo.registry import Registry, get_registry
from zoo.table import FORMATS, render

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_RUNS_FAILED = 1
EXIT_INTERRUPTED = 130


_plugin_warnings: list[str] = []


def _registry() -> Registry:
    """The registry; a broken plugin's warning waits until the command has resolved its names.

    A command that then fails prints only its own error line: when the user asked for the
    broken plugin's architecture, that error already says what went wrong.
    """
    return get_registry(warn=_plugin_warnings.append)


def _flush_plugin_warnings() -> None:
    for line in _plugin_warnings:
        click.echo(line, err=True)
    _plugin_warnings.clear()


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"zoo: error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    """Entry point: user errors become one line and exit 2; tracebacks only with --debug."""
    debug = "--debug" in sys.argv[1:]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    try:
        cli.main(standalone_mode=False, prog_name="zoo")
        _flush_plugin_warnings()
    except click.exceptions.Abort:
        click.echo("zoo: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        if debug:
            raise
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        _fail(f"{exc.format_message()}{hint}", exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ZooError as exc:
        if debug:
            raise
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("zoo: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"internal error: {one_line(exc)} (run again with --debug for the traceback)",
            EXIT_INTERNAL,
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="keras-zoo")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """keras-zoo: compare Keras text classifiers, and publish your own as plugins."""


# ---------------------------------------------------------------- registry views


@cli.command("list")
@click.argument("patterns", nargs=-1)
@click.option("--exclude", multiple=True, help="Leave out names matching this wildcard.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_command(patterns: tuple[str, ...], exclude: tuple[str, ...], fmt: str) -> None:
    """List registered architectures (optionally matching shell wildcards)."""
    registry = _registry()
    names = registry.match(patterns or None, exclude or None)
    items = [
        {
            "name": name,
            "description": registry.architectures[name].description,
            "provider": f"{registry.architectures[name].provider} "
            f"{registry.architectures[name].provider_version}".strip(),
        }
        for name in names
    ]
    _print_items(items, fmt, ["name", "description", "provider"])


@cli.command("info")
@click.argument("name")
@click.option("--backend", type=click.Choice(BACKENDS), help="Keras backend for the summary.")
def info_command(name: str, backend: str | None) -> None:
    """Show an architecture's hyperparameters, reference, provider and Keras summary."""
    spec = _registry().architecture(name)
    _flush_plugin_warnings()
    click.echo(f"{spec.name}: {spec.description}")
    click.echo(f"provider:  {spec.provider} {spec.provider_version}")
    click.echo(f"reference: {spec.reference or '-'}")
    click.echo(f"tags:      {', '.join(spec.tags) or '-'}\n")
    rows = [[key, hp.type.__name__, hp.default, hp.help] for key, hp in spec.hparams.items()]
    click.echo(tabulate(rows, headers=["hyperparameter", "type", "default", "help"]))
    select_backend(backend)
    from zoo.data.prepare import DataSettings
    from zoo.spec import InputSpec

    defaults = DataSettings()
    model = spec.builder(
        InputSpec(defaults.max_tokens, defaults.sequence_length or 500), **spec.defaults
    )
    click.echo(
        f"\nKeras summary at the default data settings "
        f"(vocabulary {defaults.max_tokens:,}, length {defaults.sequence_length}, 2 classes):"
    )
    model.summary(print_fn=lambda line, *args, **kwargs: click.echo(line))


@cli.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def plugins_command(fmt: str) -> None:
    """Show each loaded plugin: distribution, version, what it provides, status."""
    records = _registry().plugins
    items = [
        {
            "entry_point": r.entry_point,
            "distribution": r.distribution,
            "version": r.version,
            "provides": ", ".join(r.architectures + [f"{d} (dataset)" for d in r.datasets]),
            "status": r.status if not r.error else f"error: {r.error}",
        }
        for r in records
    ]
    _print_items(items, fmt, ["entry point", "distribution", "version", "provides", "status"])


def _print_items(items: list[dict[str, Any]], fmt: str, headers: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(items, indent=2))
    else:
        click.echo(tabulate([list(item.values()) for item in items], headers=headers))


@cli.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Folder to create the package in.",
)
def new_plugin_command(name: str, directory: str) -> None:
    """Write a ready-to-install plugin package zoo-NAME with one architecture and its test."""
    from zoo.scaffold import create_plugin

    target = create_plugin(name, Path(directory))
    click.echo(f"created {target}; next: pip install -e {target} && pytest {target}")


# ---------------------------------------------------------------- experiment options


def experiment_options(func: Callable) -> Callable:
    """Options shared by ``train`` and ``bench``: data, training, hyperparameters, config."""
    options = [
        click.option("--recipe", help="A named recipe, e.g. seed-tutorial or seed-course."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            help="A TOML config file ([data], [train], [hparams]).",
        ),
        click.option(
            "--set",
            "assignments",
            multiple=True,
            metavar="[ARCH.]KEY=VALUE",
            help="Set a hyperparameter (repeatable), e.g. --set units=200.",
        ),
        click.option(
            "--dataset", help="Registered dataset name (default: imdb, or inferred from --data)."
        ),
        click.option(
            "--data",
            "data_path",
            help="Data file or folder (CSV/TSV/parquet, aclImdb folder or tarball).",
        ),
        click.option("--text-column", help="Column holding the text."),
        click.option("--label-column", help="Column holding the label."),
        click.option("--limit", type=int, help="Use at most N training and N test rows."),
        click.option("--max-tokens", type=int, help="Vocabulary size, padding and OOV included."),
        click.option("--sequence-length", help=f"Tokens per text, or '{LONGEST}'."),
        click.option(
            "--truncate", type=click.Choice(["start", "end"]), help="Side cut from long texts."
        ),
        click.option("--validation-split", type=float, help="Share of training rows held out."),
        click.option("--epochs", type=int),
        click.option("--batch-size", type=int),
        click.option("--optimizer", type=click.Choice(OPTIMIZERS)),
        click.option("--lr", "learning_rate", type=float, help="Learning rate."),
        click.option("--seed", type=int, help="Random seed (the first, with --seeds)."),
        click.option(
            "--patience", type=int, help="Early stopping patience on val accuracy; 0 = off."
        ),
        click.option("--precision", type=click.Choice(PRECISIONS)),
        click.option("--embeddings", help="Pretrained vectors (GloVe/word2vec text, gzip ok)."),
        click.option(
            "--freeze-embeddings", is_flag=True, default=None, help="Keep pretrained vectors fixed."
        ),
        click.option("--backend", type=click.Choice(BACKENDS), help="Keras backend for this run."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_DATA_FLAGS = {
    "dataset": "dataset",
    "data_path": "path",
    "text_column": "text_column",
    "label_column": "label_column",
    "limit": "limit",
    "max_tokens": "max_tokens",
    "sequence_length": "sequence_length",
    "truncate": "truncate",
    "validation_split": "validation_split",
}
_TRAIN_FLAGS = (
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "seed",
    "patience",
    "precision",
    "embeddings",
)


def build_config(options: dict[str, Any], target_accuracy: float | None = None) -> ExperimentConfig:
    """Defaults < recipe < config file < flags and ``--set``."""
    config = ExperimentConfig()
    if options.get("recipe"):
        config = config.merged(load_recipe(options["recipe"]))
    if options.get("config_file"):
        config = config.merged(load_config(options["config_file"]))
    flags = ExperimentConfig()
    for flag, key in _DATA_FLAGS.items():
        if options.get(flag) is not None:
            flags.data[key] = options[flag]
    if options.get("sequence_length") not in (None, LONGEST):
        flags.data["sequence_length"] = _int_option("--sequence-length", options["sequence_length"])
    for key in _TRAIN_FLAGS:
        if options.get(key) is not None:
            flags.train[key] = options[key]
    if options.get("freeze_embeddings"):
        flags.train["embeddings_trainable"] = False
    if target_accuracy is not None:
        flags.train["target_accuracy"] = target_accuracy
    for text in options.get("assignments", ()):
        scope, key, value = parse_assignment(text)
        table = flags.hparams.setdefault(scope, {}) if scope else flags.hparams
        table[key] = value
    config = config.merged(flags)
    if "dataset" not in config.data and config.data.get("path"):
        config.data["dataset"] = infer_dataset(config.data["path"])
    return config


def _int_option(flag: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{flag} must be a whole number or '{LONGEST}', got {value!r}") from None


def infer_dataset(path: str) -> str:
    """``imdb`` for the IMDB files, ``folder`` for other folders, ``file`` otherwise."""
    location = Path(path).expanduser()
    name = location.name.lower()
    if name.startswith(("imdb", "aclimdb")) or (location / "aclImdb").is_dir():
        return "imdb"
    return "folder" if location.is_dir() else "file"


def _terminate_as_interrupt() -> None:
    """SIGTERM behaves like Ctrl-C: finished work is kept and reported."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


# ---------------------------------------------------------------- bench


@cli.command("bench")
@click.argument("names", nargs=-1)
@experiment_options
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Repeat each model with this many seeds.",
)
@click.option("--target-acc", type=float, help="Also report the time to reach this val accuracy.")
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False),
    default="zoo-results.csv",
    show_default=True,
    help="CSV file the rows are appended to.",
)
@click.option("--resume", is_flag=True, help="Skip runs already recorded with the same config.")
@click.option("--backends", help="Comma list: run each backend in its own process, side by side.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--quiet", is_flag=True, help="No per-epoch progress.")
@click.option("--rows-out", hidden=True, type=click.Path(dir_okay=False))
def bench_command(
    names, seeds, target_acc, results_path, resume, backends, fmt, quiet, rows_out, **options
) -> None:
    """Train and compare models on the same data: zoo bench cnn1d bilstm 'cnn*'."""
    if not names:
        raise ConfigError("name at least one architecture or wildcard, e.g. zoo bench cnn1d bilstm")
    models = _registry().select(names)
    _flush_plugin_warnings()
    if backends:
        _bench_backends(backends, fmt)
        return
    select_backend(options.get("backend"))
    from zoo.bench import BenchPlan, run_benchmark

    plan = BenchPlan(
        models=models,
        config=build_config(options, target_acc),
        results_path=Path(results_path),
        seeds=seeds,
        resume=resume,
        command=shlex.join(["zoo", *sys.argv[1:]]),
        verbose=0 if quiet else 2,
    )
    rows: list[dict[str, Any]] = []
    _terminate_as_interrupt()
    report = functools.partial(click.echo, err=True)
    try:
        run_benchmark(plan, report=report, rows=rows)
    except KeyboardInterrupt:
        click.echo(
            f"zoo: interrupted; {len(rows)} finished run(s) kept in {results_path}", err=True
        )
        _emit(rows, fmt, rows_out)
        sys.exit(EXIT_INTERRUPTED)
    _emit(rows, fmt, rows_out)
    failed = [row for row in rows if row.get("status") == "error"]
    if failed:
        _fail(
            f"{len(failed)} of {len(rows)} run(s) failed, first {failed[0]['model']}: "
            f"{failed[0]['error']}; the error rows are in {results_path}",
            EXIT_RUNS_FAILED,
        )


def _emit(rows: list[dict[str, Any]], fmt: str, rows_out: str | None) -> None:
    if rows_out:
        Path(rows_out).write_text(json.dumps(rows))
    if rows:
        click.echo(render(rows, fmt))


def _bench_backends(backends: str, fmt: str) -> None:
    chosen = [b.strip() for b in backends.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BACKENDS]
    if unknown or not chosen:
        raise ConfigError(
            f"--backends takes a comma list of {', '.join(BACKENDS)}, got {backends!r}"
        )
    for backend in chosen:
        require_backend(backend)
    argv = _without_option(sys.argv[1:], "--backends")
    argv = _without_option(argv, "--format")
    rows: list[dict[str, Any]] = []
    failed: list[str] = []
    try:
        for backend in chosen:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "rows.json"
                command = [
                    sys.executable,
                    "-m",
                    "zoo",
                    *argv,
                    "--backend",
                    backend,
                    "--rows-out",
                    str(out),
                    "--format",
                    "json",
                ]
                code = subprocess.run(command, stdout=subprocess.DEVNULL, env=os.environ).returncode
                if out.exists():
                    rows.extend(json.loads(out.read_text()))
                if code == EXIT_INTERRUPTED:
                    raise KeyboardInterrupt
                if code != 0:
                    failed.append(f"{backend} (exit code {code})")
    finally:
        if rows:
            click.echo(render(rows, fmt))
    if failed:
        _fail(f"the runs under {', '.join(failed)} did not all succeed", EXIT_RUNS_FAILED)


def _without_option(argv: list[str], name: str) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == name:
            skip = True
        elif not arg.startswith(f"{name}="):
            out.append(arg)
    return out


# ---------------------------------------------------------------- train, evaluate, predict


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
def train_command(name: str, out_dir: str, quiet: bool, **options) -> None:
    """Train one architecture and save the run to --out."""
    from zoo.runs import check_output_dir

    spec = _registry().architecture(name)
    _flush_plugin_warnings()
    config = build_config(options)
    config.check_hparams([spec])
    out = Path(out_dir)
    check_output_dir(out)
    select_backend(options.get("backend"))
    from zoo.backend import describe_backend
    from zoo.data.prepare import prepare_data
    from zoo.runs import save_run

    data_settings = config.data_settings()
    train = config.train_settings(name)
    hparams = config.hparams_for(spec)
    data = prepare_data(data_settings)
    for note in data.notes:
        click.echo(f"note: {note}", err=True)
    matrix = None
    if train.embeddings:
        from zoo.data.embeddings import load_embedding_matrix

        loaded = load_embedding_matrix(train.embeddings, data.vectorizer.vocabulary)
        matrix = loaded.matrix
        hparams = config.hparams_for(spec, matrix.shape[1])
        click.echo(f"embeddings: {loaded.coverage}", err=True)
    from zoo.trainer import train_model  # imports Keras: every input check is done

    result = train_model(spec, data, train, hparams, matrix, verbose=0 if quiet else "auto")
    resolved = {
        "architecture": name,
        "provider": f"{spec.provider} {spec.provider_version}".strip(),
        "hparams": hparams,
        "data": dataclasses.asdict(data_settings),
        "train": dataclasses.asdict(train),
        "class_names": data.class_names,
        **describe_backend(),
    }
    save_run(out, result.model, data.vectorizer, resolved, result.history, result.metrics)
    metrics = result.metrics
    click.echo(
        f"{name}: test accuracy {metrics['test_accuracy'] * 100:.2f} % after "
        f"{metrics['epochs_run']} epoch(s), {metrics['train_seconds']:.1f} s; saved to {out}"
    )


@cli.command("evaluate")
@click.argument("run_dir", type=click.Path())
@click.option("--data", "data_path", help="Data to evaluate on (default: the run's own).")
@click.option("--dataset", help="Registered dataset name.")
@click.option("--text-column")
@click.option("--label-column")
@click.option("--backend", type=click.Choice(BACKENDS))
def evaluate_command(run_dir, data_path, dataset, text_column, label_column, backend) -> None:
    """Accuracy of a saved run on the test split of its data (or of --data)."""
    from zoo.runs import require_run_dir

    require_run_dir(run_dir)
    select_backend(backend)
    import numpy as np

    from zoo.data.dataset import DatasetOptions
    from zoo.runs import load_run
    from zoo.trainer import predict_labels

    _registry()  # plugins load here, so their warnings wait for the command's outcome
    run = load_run(run_dir)
    recorded = run.config.get("data", {})
    path = data_path or recorded.get("path")
    name = dataset or (infer_dataset(data_path) if data_path else recorded.get("dataset", "imdb"))
    options = DatasetOptions(
        path,
        text_column or recorded.get("text_column"),
        label_column or recorded.get("label_column"),
    )
    loaded = _registry().dataset(name).loader(options)
    texts, labels = loaded.test_texts, loaded.test_labels
    if not texts:
        raise DatasetError(f"{name} has no test split to evaluate on")
    if loaded.class_names != run.class_names:
        raise DatasetError(
            f"the data's classes {loaded.class_names} differ from the run's {run.class_names}"
        )
    probabilities = np.asarray(run.model.predict(run.vectorizer.encode(texts), verbose=0))
    accuracy = float((predict_labels(probabilities) == labels).mean())
    architecture = run.config.get("architecture", "?")
    click.echo(f"{architecture}: test accuracy {accuracy * 100:.2f} % on {len(texts):,} texts")


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
    """Predict the label of each text: zoo predict RUN "i really liked the movie"."""
    from zoo.runs import require_run_dir

    require_run_dir(run_dir)
    items = list(texts)
    if text_file is not None:
        items += [line.rstrip("\n") for line in text_file if line.strip()]
    elif not items or items == ["-"]:
        items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise ConfigError("give texts as arguments, with --file, or one per line on stdin")
    select_backend(backend)
    import numpy as np

    from zoo.runs import load_run
    from zoo.trainer import predict_labels

    _registry()  # plugins load here, so their warnings wait for the command's outcome
    run = load_run(run_dir)
    probabilities = np.asarray(run.model.predict(run.vectorizer.encode(items), verbose=0))
    labels = predict_labels(probabilities)
    results = []
    for text, label, probs in zip(items, labels, probabilities, strict=True):
        confidence = (
            float(probs[label]) if len(probs) > 1 else float(probs[0] if label else 1 - probs[0])
        )
        results.append({"text": text, "label": run.class_names[label], "probability": confidence})
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        for item in results:
            click.echo(f"{item['label']}\t{item['probability']:.3f}\t{item['text']}")
