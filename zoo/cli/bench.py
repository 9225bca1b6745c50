"""zoo bench and zoo report: train and compare models on the same data; figures and tests."""

from __future__ import annotations

import contextlib
import functools
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from zoo.backend import BACKENDS, require_backend, select_backend
from zoo.cli.app import (
    EXIT_RUNS_FAILED,
    cli,
    exit_interrupted,
    fail,
    flush_plugin_warnings,
    zoo_registry,
)
from zoo.cli.options import (
    executor_options,
    experiment_options,
    results_option,
    seeds_option,
)
from zoo.config import assemble_config
from zoo.ensemble import CHOICES
from zoo.errors import ConfigError
from zoo.interrupts import catch_interrupts
from zoo.report.table import FORMATS, render_by_data

if TYPE_CHECKING:
    from zoo.bench.row import ResultRow


@cli.command("bench")
@click.argument("names", nargs=-1)
@experiment_options
@seeds_option("Repeat each model with this many seeds.")
@click.option(
    "--target-acc",
    "target_accuracy",
    type=float,
    help="Also report the time to reach this val accuracy.",
)
@results_option("CSV file the rows are appended to.")
@click.option("--resume", is_flag=True, help="Skip runs already recorded with the same config.")
@click.option("--backends", help="Comma list: run every model on each backend, side by side.")
@executor_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--quiet", is_flag=True, help="No per-epoch progress.")
@click.option(
    "--suite",
    "suite_file",
    type=click.Path(dir_okay=False),
    help="A TOML file of datasets: bench each one and print one table across them, with ranks.",
)
@click.option(
    "--ensemble",
    "ensemble_method",
    type=click.Choice(CHOICES),
    help="Then combine the models' runs, per seed, fitted on validation (as zoo ensemble; "
    "auto: the method with the best held-out validation accuracy).",
)
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
    executor_settings,
    fmt,
    quiet,
    suite_file,
    ensemble_method,
    report_dir,
    backend,
    **options,
) -> None:
    """Train and compare models on the same data: zoo bench cnn1d bilstm 'cnn*'.

    The table (or --format output) goes to stdout; progress and notes go to stderr.
    """
    if not names:
        raise ConfigError("name at least one architecture or wildcard, e.g. zoo bench cnn1d bilstm")
    suite = _suite(suite_file, options)
    if suite is not None and ensemble_method:
        raise ConfigError("--ensemble and --suite exclude each other; ensemble each dataset's runs")
    models = zoo_registry().select(names)
    flush_plugin_warnings()
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
        executor=executor_settings("processes" if chosen else "local"),
    )
    rows: list[ResultRow] = []
    by_dataset: dict[str, list[ResultRow]] = {}
    catch_interrupts()
    report = functools.partial(click.echo, err=True)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # Keras's progress lines
            if suite is None:
                run_benchmark(plan, report=report, rows=rows)
            else:
                from zoo.bench.suite import run_suite

                run_suite(plan, suite, report, by_dataset)
    except KeyboardInterrupt:
        _emit(rows, fmt, by_dataset)
        kept = len(rows) + sum(map(len, by_dataset.values()))
        exit_interrupted(f"{kept} finished run(s) kept in {results_path}")
    rows += [row for found in by_dataset.values() for row in found]
    if ensemble_method and all(row.ok for row in rows):
        from zoo.cli.ensemble import ensemble_results

        rows = ensemble_results(Path(results_path), models, ensemble_method)
    _emit(rows, fmt, by_dataset)
    click.echo(f"zoo: {len(rows)} row(s) in {results_path}", err=True)
    _write_report(rows, Path(results_path), report_dir)
    failed = [row for row in rows if not row.ok]
    if failed:
        fail(
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


def _emit(rows: list[ResultRow], fmt: str, by_dataset: dict[str, list[ResultRow]]) -> None:
    """The comparison table, or for a suite the table across its datasets."""
    if by_dataset:
        from zoo.report.ranks import render_suite

        click.echo(render_suite(by_dataset, fmt))
    elif rows:
        click.echo(render_by_data(rows, fmt))


def _suite(suite_file: str | None, options: dict) -> list | None:
    """The suite's datasets, checked before any work; a suite names its own data."""
    if suite_file is None:
        return None
    given = [flag for flag, key in DATA_FLAGS.items() if options.get(key) is not None]
    if given:
        raise ConfigError(f"{given[0]} and --suite exclude each other: the suite names its data")
    from zoo.bench.suite import load_suite

    return load_suite(suite_file)


DATA_FLAGS = {
    "--data": "path",
    "--dataset": "dataset",
    "--test-data": "test_path",
    "--val-data": "val_path",
    "--text-column": "text_column",
    "--label-column": "label_column",
    "--sep": "sep",
    "--encoding": "encoding",
    "--label-first": "label_first",
}


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
@click.option(
    "--storage",
    help="Where the tune studies named in the rows live (default: zoo-tune.db beside each "
    "results file); their expected best validation accuracy by trials is drawn.",
)
def report_command(results: tuple[str, ...], out_dir: str, storage: str | None) -> None:
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
    page = write_report(entries, Path(out_dir), storage)
    click.echo(f"zoo: report in {page}")
