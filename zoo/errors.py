"""Errors a user can cause; the CLI turns each into one line and exit code 2."""

from __future__ import annotations


class ZooError(Exception):
    """Base class of every error caused by user input or configuration."""


class UnknownArchitectureError(ZooError, KeyError):
    """No registered architecture has the requested name."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownDatasetError(UnknownArchitectureError):
    """No registered dataset has the requested name."""


class HyperparameterError(ZooError, ValueError):
    """A hyperparameter is unknown or has a value of the wrong type."""


class PluginError(ZooError):
    """A plugin failed to load or registered something invalid."""


class DuplicateNameError(PluginError):
    """Two providers registered the same name."""


class DatasetError(ZooError):
    """Data could not be found, read or understood."""


class ConfigError(ZooError):
    """A configuration file or setting is invalid."""


class ResultsFileError(ZooError):
    """A results file exists but is not one of ours, or is damaged."""


class TrainingError(ZooError):
    """Training could not go on (for example, the loss became NaN)."""


def one_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message, led by its type unless it is one of ours."""
    lines = str(exc).strip().splitlines()
    message = lines[0] if lines else ""
    if isinstance(exc, ZooError):
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
