"""Hook specifications: each hook receives a ``register`` callback and calls it once per item."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

PROJECT_NAME = "keras_zoo"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def zoo_register_architectures(register: Callable) -> None:
    """Call ``register(ArchitectureSpec(...))`` once for each architecture the plugin provides."""


@hookspec
def zoo_register_datasets(register: Callable) -> None:
    """Call ``register(DatasetSpec(...))`` once for each dataset the plugin provides."""
