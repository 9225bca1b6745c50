"""The command group, its entry point and its error handling: a user error is one line and exit
2, a traceback only with --debug."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from zoo import __version__
from zoo.errors import ZooError, one_line
from zoo.registry import Registry, get_registry

if TYPE_CHECKING:
    pass

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_RUNS_FAILED = 1
EXIT_INTERRUPTED = 130


_plugin_warnings: list[str] = []


def zoo_registry() -> Registry:
    """The registry; a broken plugin's warning waits until the command has resolved its names.

    A command that then fails prints only its own error line: when the user asked for the
    broken plugin's architecture, that error already says what went wrong.
    """
    return get_registry(warn=_plugin_warnings.append)


def flush_plugin_warnings() -> None:
    for line in _plugin_warnings:
        click.echo(line, err=True)
    _plugin_warnings.clear()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"zoo: error: {message}", err=True)
    sys.exit(code)


def exit_interrupted(kept: str) -> None:
    """Say what an interrupt kept and exit 130 at once: the framework's finalizers complain
    when cut short."""
    click.echo(f"zoo: interrupted; {kept}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    """Entry point: user errors become one line and exit 2; tracebacks only with --debug."""
    debug = "--debug" in sys.argv[1:]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    try:
        cli.main(standalone_mode=False, prog_name="zoo")
        flush_plugin_warnings()
    except click.exceptions.Abort:
        click.echo("zoo: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        if debug:
            raise
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        fail(f"{exc.format_message()}{hint}", exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ZooError as exc:
        if debug:
            raise
        fail(str(exc))
    except KeyboardInterrupt:
        click.echo("zoo: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if debug:
            raise
        fail(
            f"internal error: {one_line(exc)} (run again with --debug for the traceback)",
            EXIT_INTERNAL,
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="keras-zoo")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """keras-zoo: compare Keras text classifiers, and publish your own as plugins."""
