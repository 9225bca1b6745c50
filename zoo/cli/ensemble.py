"""zoo ensemble: combine recorded runs of the same data, fitted on validation."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from zoo.cli.app import cli
from zoo.ensemble import ALL, BEST, CHOICES
from zoo.errors import ConfigError
from zoo.report.table import FORMATS, render_by_data


@cli.command("ensemble")
@click.argument("results", type=click.Path())
@click.argument("models", nargs=-1)
@click.option(
    "--method",
    type=click.Choice(CHOICES),
    default="auto",
    show_default=True,
    help="mean of the members' probabilities; weighted: Caruana's greedy selection on "
    "validation; stacked: a logistic regression on their validation probabilities; auto: "
    "of these, the one with the best held-out validation accuracy.",
)
@click.option(
    "--members",
    type=click.Choice((BEST, ALL)),
    default=BEST,
    show_default=True,
    help="best: each architecture's configuration with the best mean validation accuracy; "
    "all: also its other configurations (defaults and tuned settings, other encodings) that "
    "ran the same seeds, for the fit to weigh.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Save an ensemble of 'zoo train' folders (the arguments) into this new folder, "
    "for zoo predict.",
)
@click.option(
    "--from",
    "sources",
    multiple=True,
    type=click.Path(),
    help="Another results file to take members from (repeatable): its runs of RESULTS's data "
    "(of any data when RESULTS is new) are copied into RESULTS with their run logs, as if "
    "benched there.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def ensemble_command(
    results: str,
    models: tuple[str, ...],
    method: str,
    members: str,
    out_dir: str | None,
    sources: tuple[str, ...],
    fmt: str,
) -> None:
    """Combine the runs of MODELS (default: every architecture) in RESULTS, per seed.

    The combination is fitted on the validation split; each ensemble is a row of RESULTS, shown
    beside its members. Members benched into other files join with --from FILE. With --out,
    the arguments are 'zoo train' folders instead, and the ensemble is saved for zoo predict:
    zoo ensemble RUN RUN... --out DIR.
    """
    if out_dir is not None and (sources or members != BEST):
        raise ConfigError(
            "--from and --members choose among results files' runs, --out takes 'zoo train' "
            "folders; use one"
        )
    if out_dir is not None:
        save_ensemble_folder([results, *models], method, Path(out_dir))
        return
    path = Path(results)
    if path.is_dir():
        raise ConfigError(
            f"{path} is a folder; combine 'zoo train' folders with --out DIR, or name a "
            "results file made by zoo bench"
        )
    members_from = [Path(source) for source in sources]
    new_from_sources = bool(members_from) and not path.exists()
    for given in members_from if new_from_sources else [path, *members_from]:
        if not given.is_file():
            raise ConfigError(f"results file {given} does not exist; name one made by zoo bench")
    built = ensemble_results(path, list(models), method, members_from, members)
    click.echo(render_by_data(built, fmt))


def save_ensemble_folder(run_dirs: list[str], method: str, out: Path) -> None:
    """Save the ensemble of the ``zoo train`` folders ``run_dirs`` into ``out``; say what it
    measured."""
    from zoo.ensemble.combine import describe_choice
    from zoo.ensemble.folder import save_ensemble

    summary = save_ensemble(run_dirs, method, out)
    combination = summary["combination"]
    method = combination["method"]
    if summary["method_scores"]:
        _say(f"ensemble method {describe_choice(method, summary['method_scores'])}")
    if combination["weights"]:
        weights = ", ".join(
            f"{name} {weight:.2f}"
            for name, weight in zip(summary["members"], combination["weights"], strict=True)
        )
    else:
        weights = "a stacker"
    click.echo(
        f"ensemble ({method}; {weights}): validation accuracy "
        f"{summary['validation_accuracy'] * 100:.2f} % (held out), test accuracy "
        f"{summary['test_accuracy'] * 100:.2f} %; saved to {out}"
    )


def _say(line: str) -> None:
    click.echo(f"zoo: {line}", err=True)


def ensemble_results(
    path: Path,
    models: list[str],
    method: str,
    sources: list[Path] | None = None,
    members: str = BEST,
) -> list:
    """Build and record the ensembles of ``models`` in ``path`` (``members``: each
    architecture's best configuration, or all), with the members ``sources`` hold copied in
    first; their rows and the members'."""
    from zoo.bench.results import read_results
    from zoo.ensemble.runs import (
        build_ensembles,
        copy_members,
        ensemble_name,
        member_sets,
        record_runs,
    )

    if sources:
        copied = copy_members(path, sources, models or None)
        _say(f"{copied} member row(s) copied into {path} from {', '.join(map(str, sources))}")
    command = shlex.join(["zoo", *sys.argv[1:]])
    built = build_ensembles(path, models or None, method, command, _say, members)
    record_runs(path, built)
    click.echo(f"zoo: {len(built)} ensemble row(s) added to {path}", err=True)
    rows = read_results(path)
    sets = member_sets(rows, models or None, members)
    keys = {member.key for members in sets for member in members}
    names = {ensemble_name(members) for members in sets}
    return [row for row in rows if row.ok and (row.config_hash in keys or row.model in names)]
