"""keras-zoo: a plugin-based model zoo and benchmark harness for Keras 3 text classifiers.

Importing this package never imports Keras; models are built on demand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zoo.data.dataset import DatasetOptions, DatasetSpec, TextDataset
from zoo.errors import (
    ConfigError,
    DatasetError,
    DuplicateNameError,
    HyperparameterError,
    PluginError,
    UnknownArchitectureError,
    UnknownDatasetError,
    ZooError,
)
from zoo.hookspecs import hookimpl
from zoo.registry import get_registry
from zoo.spec import ArchitectureSpec, HParam, InputSpec

__version__ = "0.2.0"

__all__ = [
    "ArchitectureSpec",
    "ConfigError",
    "DatasetError",
    "DatasetOptions",
    "DatasetSpec",
    "DuplicateNameError",
    "HParam",
    "HyperparameterError",
    "InputSpec",
    "PluginError",
    "TextDataset",
    "UnknownArchitectureError",
    "UnknownDatasetError",
    "ZooError",
    "__version__",
    "build_model",
    "get_spec",
    "hookimpl",
    "list_architectures",
]


def list_architectures(
    include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
) -> list[str]:
    """Sorted names of registered architectures, filtered by shell-style wildcards."""
    return get_registry().match(include, exclude)


def get_spec(name: str) -> ArchitectureSpec:
    """The ``ArchitectureSpec`` registered under ``name``."""
    return get_registry().architecture(name)


def build_model(name: str, input_spec: InputSpec, **hparams: Any):
    """The uncompiled ``keras.Model`` of architecture ``name``, hyperparameters checked."""
    spec = get_spec(name)
    return spec.builder(input_spec, **spec.resolve(hparams))
