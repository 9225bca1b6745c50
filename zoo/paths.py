"""Where keras-zoo keeps its caches, and writing files and folders all at once or not at all."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def staged(target: Path, folder: bool = False) -> Iterator[Path]:
    """A hidden sibling of ``target`` to write into; it replaces ``target`` when the block ends.

    If the block fails, the sibling is removed and ``target`` is left as it was, so readers see
    either the old content or the complete new one, never a half-written file or folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}-"
    mode = _mode(target, folder)
    if folder:
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    else:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
        os.close(handle)
        staging = Path(name)
    try:
        yield staging
        os.chmod(staging, mode)  # mkstemp and mkdtemp make it private
        if folder and target.is_dir():
            target.rmdir()  # only an empty folder is replaced
        os.replace(staging, target)
    except BaseException:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.unlink(missing_ok=True)
        raise


def _mode(target: Path, folder: bool) -> int:
    """The permissions ``target`` keeps (an existing file's own) or gets as any new file would
    (the umask's)."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    return (0o777 if folder else 0o666) & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)  # reading it means setting it: set it back at once
    os.umask(mask)
    return mask
