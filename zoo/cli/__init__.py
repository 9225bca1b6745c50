"""The ``zoo`` command: parses, calls the library, prints. Keras is imported only when needed."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from zoo import __version__
from zoo.backend import BACKENDS, require_backend, select_backend
from zoo.bench.executors import EXECUTORS, ExecutorSettings
from zoo.config import assemble_config
from zoo.data.settings import AUTO, AUTO_CAP, LONGEST, TRUNCATE_SIDES
from zoo.errors import ConfigError, DatasetError, ZooError, one_line
from zoo.interrupts import catch_interrupts
from zoo.registry import Registry, get_registry
from zoo.report.table import FORMATS, render

if TYPE_CHECKING:
    from zoo.bench.row import ResultRow
from zoo.train.precision import PRECISIONS
from zoo.train.settings import OPTIMIZERS, SCHEDULES

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
            "provider": registry.architectures[name].provider_label,
        }
        for name in names
    ]
    _print_items(items, fmt, ["name", "description", "provider"])


@cli.command("datasets")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def datasets_command(fmt: str) -> None:
    """List registered datasets (use one with --dataset NAME)."""
    registry = _registry()
    items = [
        {"name": name, "description": spec.description, "provider": spec.provider_label}
        for name, spec in sorted(registry.datasets.items())
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
    click.echo(f"provider:  {spec.provider_label}")
    click.echo(f"reference: {spec.reference or '-'}")
    click.echo(f"tags:      {', '.join(spec.tags) or '-'}")
    recommended = ", ".join(f"{k}={v}" for k, v in spec.train_defaults.items())
    click.echo(f"training:  {recommended or 'the shared defaults'}\n")
    rows = [[key, hp.type.__name__, str(hp.default), hp.help] for key, hp in spec.hparams.items()]
    click.echo(tabulate(rows, headers=["hyperparameter", "type", "default", "help"]))
    select_backend(backend)
    from zoo.backend import import_keras
    from zoo.data.settings import DataSettings
    from zoo.spec import InputSpec

    import_keras()
    defaults = DataSettings()
    model = spec.builder(InputSpec(defaults.max_tokens, AUTO_CAP), **spec.defaults)
    click.echo(
        f"\nKeras summary at the default data settings "
        f"(vocabulary {defaults.max_tokens:,}, length {AUTO_CAP}, 2 classes):"
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
    click.echo(f"created {target}; next: pip install -e '{target}[test]' && pytest {target}")


# ---------------------------------------------------------------- experiment options


def _once(ctx: click.Context, param: click.Parameter, values: tuple) -> Any:
    """An option that may be given once: a second value is an error, not 'last wins'."""
    if len(values) > 1:
        raise click.BadParameter(
            f"given {len(values)} times ({', '.join(map(str, values))}); give it once", ctx, param
        )
    return values[0] if values else None


def _single(*names: str, **kwargs: Any) -> Callable:
    return click.option(*names, multiple=True, callback=_once, **kwargs)


def _default(text: str, setting: str) -> str:
    """``text`` followed by the default of the data or training ``setting``."""
    from zoo.data.settings import DataSettings
    from zoo.train.settings import TrainSettings

    source = DataSettings() if hasattr(DataSettings(), setting) else TrainSettings()
    return f"{text} (default: {getattr(source, setting)})".strip()


def experiment_options(func: Callable) -> Callable:
    """Options shared by ``train`` and ``bench``: data, training, hyperparameters, config.

    Each option's name is the setting it sets (see ``zoo.config.assemble_config``).
    """
    options = [
        _single("--recipe", help="A named recipe, e.g. seed-tutorial or seed-course."),
        _single(
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
        _single(
            "--dataset", help="Registered dataset name (default: imdb, or inferred from --data)."
        ),
        _single(
            "--data",
            "path",
            help="Data file or folder (CSV/TSV/parquet, aclImdb folder or tarball).",
        ),
        _single("--test-data", "test_path", help="A separate file (or folder) of test rows."),
        _single("--val-data", "val_path", help="A separate file of validation rows."),
        _single("--text-column", help="Column holding the text (a number without header)."),
        _single("--label-column", help="Column holding the label (a number without header)."),
        _single("--sep", help="Column separator of a delimited file (default: detected)."),
        click.option(
            "--header/--no-header",
            default=None,
            help="Whether the file's first row names its columns (default: detected).",
        ),
        _single("--encoding", help="Text encoding of the data, e.g. cp1252 (default: utf-8)."),
        _single("--limit", type=int, help="Use at most N training and N test rows."),
        _single(
            "--max-tokens",
            type=int,
            help=_default("Vocabulary size, padding and OOV included.", "max_tokens"),
        ),
        _single(
            "--sequence-length",
            help=f"Tokens per text, '{AUTO}' (default: the 99th percentile of training "
            f"lengths rounded up to a power of 2, at most {AUTO_CAP}) or '{LONGEST}'.",
        ),
        _single(
            "--truncate",
            type=click.Choice(TRUNCATE_SIDES),
            help=_default("Side cut from long texts.", "truncate"),
        ),
        _single(
            "--validation-split",
            type=float,
            help=_default("Share of training rows held out.", "validation_split"),
        ),
        _single("--epochs", type=int, help=_default("Training epochs.", "epochs")),
        _single("--batch-size", type=int, help=_default("Texts per batch.", "batch_size")),
        _single(
            "--optimizer", type=click.Choice(tuple(OPTIMIZERS)), help=_default("", "optimizer")
        ),
        _single(
            "--lr",
            "learning_rate",
            type=float,
            help=_default(
                "Learning rate (some architectures recommend their own: zoo info).", "learning_rate"
            ),
        ),
        _single(
            "--schedule",
            type=click.Choice(SCHEDULES),
            help=_default(
                "Learning rate schedule: constant, or cosine decay to 0 over the epochs.",
                "schedule",
            ),
        ),
        _single(
            "--seed", type=int, help=_default("Random seed (the first, with --seeds).", "seed")
        ),
        _single(
            "--patience",
            type=int,
            help=_default("Early stopping patience on val accuracy; 0 = off.", "patience"),
        ),
        _single(
            "--precision",
            type=click.Choice(PRECISIONS),
            help=_default(
                "Compute precision; auto: mixed_bfloat16 where TensorFlow or torch computes on "
                "a CPU with AMX, else float32 (some architectures recommend auto: zoo info).",
                "precision",
            ),
        ),
        click.option(
            "--bucketing/--no-bucketing",
            default=None,
            help="Cut each batch to its longest text (default) or pad all to the full length.",
        ),
        _single("--embeddings", help="Pretrained vectors (GloVe/word2vec text, gzip ok)."),
        click.option(
            "--freeze-embeddings",
            "embeddings_trainable",
            flag_value=False,
            default=None,
            help="Keep pretrained vectors fixed.",
        ),
        _single("--backend", type=click.Choice(BACKENDS), help="Keras backend for this run."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
@click.option(
    "--target-acc",
    "target_accuracy",
    type=float,
    help="Also report the time to reach this val accuracy.",
)
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False),
    default="zoo-results.csv",
    show_default=True,
    help="CSV file the rows are appended to.",
)
@click.option("--resume", is_flag=True, help="Skip runs already recorded with the same config.")
@click.option("--backends", help="Comma list: run every model on each backend, side by side.")
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    help="Where runs execute: this process (default), a fresh process per run (the default "
    "with --backends), or Ray tasks.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=ExecutorSettings.retries,
    show_default=True,
    help="Reruns of a run whose worker process died (processes, ray).",
)
@click.option(
    "--ray-address",
    help="Ray cluster to join: auto or HOST:PORT (default: start a local Ray instance).",
)
@click.option("--cpus-per-run", type=float, help="Ray: CPUs each run asks for (default 1).")
@click.option(
    "--gpus-per-run",
    type=float,
    help="Ray: GPUs each run asks for; 0.25 packs four runs on a GPU (default 1 where the "
    "cluster has GPUs, else 0).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--quiet", is_flag=True, help="No per-epoch progress.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Also write the figures and tests of 'zoo report' for these runs into this folder.",
)
def bench_command(
    names,
    seeds,
    results_path,
    resume,
    backends,
    executor,
    retries,
    ray_address,
    cpus_per_run,
    gpus_per_run,
    fmt,
    quiet,
    report_dir,
    backend,
    **options,
) -> None:
    """Train and compare models on the same data: zoo bench cnn1d bilstm 'cnn*'.

    The table (or --format output) goes to stdout; progress and notes go to stderr.
    """
    if not names:
        raise ConfigError("name at least one architecture or wildcard, e.g. zoo bench cnn1d bilstm")
    models = _registry().select(names)
    _flush_plugin_warnings()
    if report_dir:
        from zoo.report.page import require_matplotlib

        require_matplotlib()  # before any training
    select_backend(backend)
    chosen = _backend_list(backends) if backends else []
    from zoo.bench.driver import BenchPlan, run_benchmark

    plan = BenchPlan(
        models=models,
        config=assemble_config(**options),
        results_path=Path(results_path),
        seeds=seeds,
        resume=resume,
        command=shlex.join(["zoo", *sys.argv[1:]]),
        verbose=0 if quiet else 2,
        backends=chosen,
        executor=ExecutorSettings(
            executor or ("processes" if chosen else "local"),
            retries,
            ray_address,
            cpus_per_run,
            gpus_per_run,
        ),
    )
    rows: list[ResultRow] = []
    catch_interrupts()
    report = functools.partial(click.echo, err=True)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # Keras's progress lines
            run_benchmark(plan, report=report, rows=rows)
    except KeyboardInterrupt:
        click.echo(
            f"zoo: interrupted; {len(rows)} finished run(s) kept in {results_path}", err=True
        )
        _emit(rows, fmt)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # skip the framework's finalizers, which complain when cut short
    _emit(rows, fmt)
    click.echo(f"zoo: {len(rows)} row(s) in {results_path}", err=True)
    _write_report(rows, Path(results_path), report_dir)
    failed = [row for row in rows if not row.ok]
    if failed:
        _fail(
            f"{len(failed)} of {len(rows)} run(s) failed, first {failed[0].model}: "
            f"{failed[0].error}; the error rows are in {results_path}",
            EXIT_RUNS_FAILED,
        )


def _write_report(rows: list[ResultRow], results_path: Path, report_dir: str | None) -> None:
    if not report_dir or not any(row.ok for row in rows):
        return
    from zoo.report.page import write_report

    page = write_report([(results_path, row) for row in rows], Path(report_dir))
    click.echo(f"zoo: report in {page}", err=True)


def _emit(rows: list[ResultRow], fmt: str) -> None:
    if rows:
        click.echo(render(rows, fmt))


def _backend_list(backends: str) -> list[str]:
    """The backends of ``--backends``, each checked to be installed."""
    chosen = [name.strip() for name in backends.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BACKENDS]
    if unknown or not chosen:
        raise ConfigError(
            f"--backends takes a comma list of {', '.join(BACKENDS)}, got {backends!r}"
        )
    for name in chosen:
        require_backend(name)
    return list(dict.fromkeys(chosen))


@cli.command("report")
@click.argument("results", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    default="zoo-report",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for report.html and the figures.",
)
def report_command(results: tuple[str, ...], out_dir: str) -> None:
    """Learning curves, accuracy against time, seed spread, intervals and tests: zoo report R.csv.

    Reads results files (default: zoo-results.csv) and the run logs stored beside them.
    """
    from zoo.bench.results import read_results
    from zoo.report.page import require_matplotlib, write_report

    require_matplotlib()
    entries = []
    for name in results or ("zoo-results.csv",):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"results file {path} does not exist; name one made by zoo bench")
        entries.extend((path, row) for row in read_results(path))
    page = write_report(entries, Path(out_dir))
    click.echo(f"zoo: report in {page}")


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
def train_command(name: str, out_dir: str, quiet: bool, backend: str | None, **options) -> None:
    """Train one architecture and save the run to --out."""
    from zoo.experiment import Experiment
    from zoo.train.folder import check_output_dir

    spec = _registry().architecture(name)
    _flush_plugin_warnings()
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
@click.option("--backend", type=click.Choice(BACKENDS))
def evaluate_command(run_dir, backend, **data) -> None:
    """Accuracy of a saved run on the test split its data settings give (or that of --data).

    The run's recorded settings (limit, validation share, split seed) select the same test rows
    that 'zoo train' scored; new data is scored on its whole test split.
    """

    from zoo.experiment import evaluation_split
    from zoo.train.folder import read_run
    from zoo.train.outputs import predict_labels

    run = read_run(run_dir)
    _registry()  # plugins load here, so their warnings wait for the command's outcome
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
    """Predict the label of each text: zoo predict RUN "i really liked the movie"."""
    from zoo.train.folder import read_run, require_run_dir

    require_run_dir(run_dir)
    items = list(texts)
    if text_file is not None:
        items += [line.rstrip("\n") for line in text_file if line.strip()]
    elif not items or items == ["-"]:
        items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not items:
        raise ConfigError("give texts as arguments, with --file, or one per line on stdin")
    run = read_run(run_dir)
    select_backend(backend)
    from zoo.train.outputs import confidences, predict_labels

    _registry()  # plugins load here, so their warnings wait for the command's outcome
    probabilities = run.predict(
        run.vectorizer.encode(items), report=functools.partial(click.echo, err=True)
    )
    labels = predict_labels(probabilities)
    results = [
        {"text": text, "label": run.class_names[label], "probability": float(confidence)}
        for text, label, confidence in zip(
            items, labels, confidences(probabilities, labels), strict=True
        )
    ]
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        for item in results:
            click.echo(f"{item['label']}\t{item['probability']:.3f}\t{item['text']}")
