"""Where keras-zoo keeps downloads and caches."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ZOO_CACHE_DIR"


def cache_dir() -> Path:
    """``ZOO_CACHE_DIR``, else ``$XDG_CACHE_HOME/keras-zoo``, else ``~/.cache/keras-zoo``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "keras-zoo"
