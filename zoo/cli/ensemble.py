"""zoo ensemble: combine recorded runs of the same data, fitted on validation."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from zoo.cli.app import cli
from zoo.ensemble import METHODS
from zoo.errors import ConfigError
from zoo.report.table import FORMATS, render


@cli.command("ensemble")
@click.argument("results", type=click.Path(dir_okay=False))
@click.argument("models", nargs=-1)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="weighted",
    show_default=True,
    help="mean of the members' probabilities; weighted: Caruana's greedy selection on "
    "validation; stacked: a logistic regression on their validation probabilities.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def ensemble_command(results: str, models: tuple[str, ...], method: str, fmt: str) -> None:
    """Combine the runs of MODELS (default: every architecture) in RESULTS, per seed.

    The combination is fitted on the validation split; each ensemble is a row of RESULTS, shown
    beside its members.
    """
    path = Path(results)
    if not path.is_file():
        raise ConfigError(f"results file {path} does not exist; name one made by zoo bench")
    built = ensemble_results(path, list(models), method)
    click.echo(render(built, fmt))


def ensemble_results(path: Path, models: list[str], method: str) -> list:
    """Build and record the ensembles of ``models`` in ``path``; their rows and the members'."""
    from zoo.bench.results import read_results
    from zoo.ensemble.runs import build_ensembles, ensemble_name, member_sets, record_ensembles

    command = shlex.join(["zoo", *sys.argv[1:]])
    built = build_ensembles(path, models or None, method, command)
    record_ensembles(path, built)
    click.echo(f"zoo: {len(built)} ensemble row(s) added to {path}", err=True)
    rows = read_results(path)
    sets = member_sets(rows, models or None)
    keys = {member.key for members in sets for member in members}
    names = {ensemble_name(members) for members in sets}
    return [row for row in rows if row.ok and (row.config_hash in keys or row.model in names)]
