"""zoo list, datasets, info, plugins and new-plugin: what is registered, and a new plugin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from zoo.backend import BACKENDS, select_backend
from zoo.cli.app import (
    cli,
    flush_plugin_warnings,
    zoo_registry,
)
from zoo.data.settings import AUTO_CAP

if TYPE_CHECKING:
    pass


@cli.command("list")
@click.argument("patterns", nargs=-1)
@click.option("--exclude", multiple=True, help="Leave out names matching this wildcard.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_command(patterns: tuple[str, ...], exclude: tuple[str, ...], fmt: str) -> None:
    """List registered architectures (optionally matching shell wildcards)."""
    registry = zoo_registry()
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
    registry = zoo_registry()
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
    spec = zoo_registry().architecture(name)
    flush_plugin_warnings()
    click.echo(f"{spec.name}: {spec.description}")
    click.echo(f"provider:  {spec.provider_label}")
    click.echo(f"reference: {spec.reference or '-'}")
    click.echo(f"tags:      {', '.join(spec.tags) or '-'}")
    recommended = ", ".join(f"{k}={v}" for k, v in spec.train_defaults.items())
    click.echo(f"training:  {recommended or 'the shared defaults'}\n")
    rows = [[key, hp.type.__name__, str(hp.default), hp.help] for key, hp in spec.hparams.items()]
    headers = ["hyperparameter", "type", "default", "help"]
    click.echo(tabulate(rows, headers=headers, disable_numparse=True))  # 4194304, not 4.2e+06
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
    records = zoo_registry().plugins
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
