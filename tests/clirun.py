"""Run the ``zoo`` command as a user would: in a subprocess, or in this process when the test
is about what a command does rather than about the process it runs in."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock


def zoo_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


def run_zoo(
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``zoo ARGS`` to the end and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "zoo", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        env=env or zoo_env(),
        timeout=300,
    )


def start_zoo(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``zoo ARGS`` in the background, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "zoo", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or zoo_env(),
    )


@contextmanager
def interrupt_handlers_restored() -> Iterator[None]:
    """SIGINT's and SIGTERM's handlers and the unraisable hook as they were before the block
    (``zoo.interrupts.catch_interrupts`` replaces all three)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        sys.unraisablehook = hook


def invoke_zoo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run ``zoo ARGS`` through its entry point in this process and capture its output;
    ``stdin``: what it reads on standard input.

    The framework is imported once per test process instead of once per command. Tests of the
    process itself (signals, a fresh interpreter, framework log lines on stderr) use ``run_zoo``.
    The interrupt handlers a long command installs are removed after it.
    """
    from zoo.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    argv = mock.patch.object(sys, "argv", ["zoo", *args])
    given = mock.patch.object(sys, "stdin", io.StringIO(stdin)) if stdin is not None else None
    with (
        redirect_stdout(stdout),
        redirect_stderr(stderr),
        argv,
        given or nullcontext(),
        interrupt_handlers_restored(),
    ):
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    output, errors = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(["zoo", *args], returncode, output, errors)
