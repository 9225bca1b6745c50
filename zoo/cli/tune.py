"""zoo tune: the same budget of trials for each architecture, chosen on validation."""

from __future__ import annotations

import contextlib
import functools
import shlex
import sys
from pathlib import Path

import click
from tabulate import tabulate

from zoo.backend import select_backend
from zoo.cli.app import (
    EXIT_RUNS_FAILED,
    cli,
    exit_interrupted,
    fail,
    flush_plugin_warnings,
    zoo_registry,
)
from zoo.cli.options import executor_options, experiment_options, results_option, seeds_option
from zoo.config import assemble_config
from zoo.errors import ConfigError, TrainingError
from zoo.interrupts import catch_interrupts
from zoo.report.table import FORMATS, render
from zoo.tune.study import PRUNE_AFTER


@cli.command("tune")
@click.argument("names", nargs=-1)
@experiment_options
@click.option(
    "--trials",
    type=int,
    required=True,
    help="Trials per architecture: the study's total (a rerun runs only the missing ones).",
)
@seeds_option("Seeds of the final runs with each architecture's best settings, scored on test.")
@results_option("CSV file the final runs' rows are appended to.")
@click.option(
    "--storage",
    help="Where the studies live: sqlite:///FILE (default: zoo-tune.db beside --results), "
    "postgresql://…, mysql://… or journal:FILE (Optuna's journal file, for a shared folder).",
)
@click.option(
    "--study", help="Name the studies NAME.ARCH (default: ARCH-KEY, by data and settings)."
)
@click.option(
    "--best-config",
    type=click.Path(dir_okay=False),
    help="Where the best settings go, a config file for zoo bench --config "
    "(default: zoo-tuned.toml beside --results).",
)
@click.option(
    "--prune-after",
    type=int,
    default=PRUNE_AFTER,
    show_default=True,
    help="Complete trials before a trial below their median at an epoch is stopped.",
)
@executor_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--quiet", is_flag=True, help="No per-epoch progress.")
def tune_command(
    names,
    trials,
    seeds,
    results_path,
    storage,
    study,
    best_config,
    prune_after,
    executor_settings,
    fmt,
    quiet,
    backend,
    **options,
) -> None:
    """Search each architecture with the same number of trials: zoo tune cnn1d bilstm --trials 20.

    Trials see the training and validation splits only; each architecture's best settings are
    then trained with --seeds seeds and scored on test once, as rows of the results file.
    """
    if not names:
        raise ConfigError("name at least one architecture, e.g. zoo tune cnn1d bilstm --trials 20")
    if trials < 1:
        raise ConfigError(f"--trials must be 1 or more, got {trials}")
    models = zoo_registry().select(names)
    flush_plugin_warnings()
    select_backend(backend)
    from zoo.tune.driver import TunePlan, run_tune

    plan = TunePlan(
        models=models,
        config=assemble_config(**options),
        results_path=Path(results_path),
        trials=trials,
        seeds=seeds,
        storage=storage,
        study=study,
        best_config=Path(best_config) if best_config else None,
        prune_after=prune_after,
        command=shlex.join(["zoo", *sys.argv[1:]]),
        verbose=0 if quiet else 2,
        executor=executor_settings("local"),
    )
    catch_interrupts()
    report = functools.partial(click.echo, err=True)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # Keras's progress lines
            result = run_tune(plan, report=report)
    except KeyboardInterrupt:
        exit_interrupted(
            f"finished trials are kept in the studies, finished tuned runs in {results_path}; "
            "the same command resumes"
        )
    except TrainingError as exc:
        fail(str(exc), EXIT_RUNS_FAILED)
    from zoo.bench.results import read_results

    keys = {row.config_hash for row in result.rows} | result.default_keys
    shown = [row for row in read_results(Path(results_path)) if row.config_hash in keys]
    click.echo(render(shown, fmt))
    budgets = [
        [
            budget.model,
            budget.study,
            budget.complete,
            budget.pruned,
            budget.failed,
            budget.epochs,
            f"{budget.seconds:.1f}",
            "-" if budget.best_val_accuracy is None else f"{100 * budget.best_val_accuracy:.2f}",
        ]
        for budget in result.budgets
    ]
    headers = ["model", "study", "complete", "pruned", "failed", "epochs", "train s", "best val %"]
    style = "github" if fmt == "markdown" else "simple"
    spent = tabulate(budgets, headers=headers, tablefmt=style, disable_numparse=True)
    click.echo(f"\nthe budget each study spent:\n{spent}", err=fmt in ("csv", "json"))
    failed = [row for row in result.rows if not row.ok]
    if failed:
        fail(
            f"{len(failed)} of {len(result.rows)} final run(s) failed, first {failed[0].model}: "
            f"{failed[0].error}; the error rows are in {results_path}",
            EXIT_RUNS_FAILED,
        )
