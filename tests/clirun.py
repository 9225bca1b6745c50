"""Run the ``zoo`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
