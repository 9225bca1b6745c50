"""Ctrl-C and SIGTERM stop a long command between runs, never losing a finished one.

Python raises ``KeyboardInterrupt`` wherever the main thread is when the signal lands; inside
a finalizer (TensorFlow frees many objects between runs) the exception is ignored. So the
signal is also remembered, and ``check_interrupted`` stops the work at the next safe point.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_received: list[int] = []
_deferring: list[bool] = []


def catch_interrupts() -> None:
    """Make SIGINT and SIGTERM raise ``KeyboardInterrupt`` and remember that they came."""

    def handler(signum, frame):
        _received.append(signum)
        if not _deferring:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    default_hook = sys.unraisablehook

    def unraisable(info):  # an interrupt swallowed by a finalizer is not worth a traceback
        if not _received:
            default_hook(info)

    sys.unraisablehook = unraisable


def check_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if a signal came, even one a finalizer swallowed."""
    if _received:
        raise KeyboardInterrupt


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold an interrupt until the block is done: for work that must not be cut in half."""
    _deferring.append(True)
    try:
        yield
    finally:
        _deferring.pop()
    check_interrupted()
