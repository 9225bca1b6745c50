"""Where keras-zoo keeps downloads and caches, and whether an output path can be created."""

from __future__ import annotations

import os
from pathlib import Path

from zoo.errors import ConfigError

CACHE_ENV = "ZOO_CACHE_DIR"


def cache_dir() -> Path:
    """``ZOO_CACHE_DIR``, else ``$XDG_CACHE_HOME/keras-zoo``, else ``~/.cache/keras-zoo``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "keras-zoo"


def check_can_create(path: Path, option: str) -> None:
    """Fail unless ``path`` could be created: its nearest existing ancestor is a writable folder."""
    probe = path.absolute().parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ConfigError(f"cannot create {path}: {probe} is a file; choose another {option}")
    if not os.access(probe, os.W_OK):
        raise ConfigError(f"cannot write to {probe}; choose a writable {option}")
