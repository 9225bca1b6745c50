"""``python -m zoo.bench.executors.worker TASK DATA OUT``: one run in a process of its own.

TASK and DATA are pickles the driver wrote for its own workers (never a user's file); the
outcome is pickled to OUT through a temporary file and a rename, so OUT exists only complete.
A run the worker cannot even load leaves its reason in ``OUT.error`` instead.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path


def main(task_path: str, data_path: str, out_path: str) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from zoo.bench.executors.task import execute_task
    from zoo.errors import one_line

    try:  # e.g. a plugin module that this Python cannot import
        task = pickle.loads(Path(task_path).read_bytes())
        data = pickle.loads(Path(data_path).read_bytes())
    except Exception as exc:
        Path(f"{out_path}.error").write_text(one_line(exc), encoding="utf-8")
        sys.exit(3)
    verbose = int(os.environ.get("ZOO_WORKER_VERBOSE", "2"))
    outcome = execute_task(task, data, verbose)
    partial = Path(f"{out_path}.partial")
    partial.write_bytes(pickle.dumps(outcome))
    partial.replace(out_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
