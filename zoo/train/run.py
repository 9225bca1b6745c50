"""Train one planned run in this process: the one way ``zoo train``, every bench executor and the
plugin kit train a model.

``execute`` checks that Keras runs the backend the run was planned for, warns where the settings
take a model off its fast path, trains (``zoo.train.trainer``) with Keras's progress on stderr,
lets the caller keep what it needs of the trained model, and clears Keras's session. A failure
is returned in the outcome, never raised, so a bench goes on to its next run; an interrupt is
raised, whatever error it surfaced as.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zoo.errors import TrainingError
from zoo.interrupts import check_interrupted

if TYPE_CHECKING:  # NumPy and Keras only once a run executes
    from zoo.data.prepare import PreparedData
    from zoo.experiment import PlannedRun
    from zoo.train.trainer import TrainResult


@dataclass
class RunOutcome:
    """What training one run gave: where it ran, when it started, and its result or error."""

    environment: dict[str, str] = field(default_factory=dict)  # backend, versions, device
    started: str = ""  # timestamp(): when training began, not when the run was planned
    result: TrainResult | None = None
    error: Exception | None = None


def execute(
    run: PlannedRun,
    data: PreparedData,
    backend: str | None = None,
    verbose: int | str = 2,
    notify: Callable[[str], None] | None = None,
    keep: Callable[[RunOutcome], Any] | None = None,
    stop_below: tuple[float | None, ...] = (),
) -> RunOutcome:
    """Train ``run`` on ``data`` here; ``backend``: the one it was planned for (None: any).

    ``keep`` gets the outcome of a run that trained, before Keras's session is cleared (``zoo
    train`` saves the model then); its failure fails the run. Notes go to ``notify`` (stderr
    when None). ``stop_below``: a tune trial's bars (``zoo.train.trainer.train_model``).
    """
    from zoo.backend import describe_backend, import_keras

    notify = notify or (lambda line: print(line, file=sys.stderr))
    keras = import_keras()
    environment = describe_backend()
    outcome = RunOutcome(environment, timestamp())
    if backend is not None and environment["backend"] != backend:
        outcome.error = TrainingError(f"this worker runs Keras on {environment['backend']}")
        return outcome
    note = slow_path_note(run.spec.name, run.hparams, environment["device"])
    if note:
        notify(f"note: {note}")
    from zoo.train.trainer import train_model

    try:
        with contextlib.redirect_stdout(sys.stderr):  # Keras's progress lines
            outcome.result = train_model(
                run.spec, data, run.train, run.hparams, run.embedding_matrix, verbose, stop_below
            )
        if keep is not None:
            keep(outcome)
    except Exception as exc:  # one model's failure must not stop the others
        check_interrupted()  # an interrupt that C code turned into another error is still one
        outcome.result, outcome.error = None, exc
    finally:
        keras.backend.clear_session()
    return outcome


def timestamp() -> str:
    """Now, in UTC, to the second: when a run started (the results file's first column)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def slow_path_note(name: str, hparams: dict[str, Any], device: str) -> str | None:
    """A warning when ``hparams`` take a recurrent model off cuDNN on a GPU, else None."""
    rate = hparams.get("recurrent_dropout", 0)
    if not rate or device.startswith("cpu"):
        return None
    return (
        f"{name}: recurrent_dropout={rate} takes its LSTM off cuDNN, which can make it 10 times "
        f"slower or more on this GPU; set {name}.recurrent_dropout=0 for the fast path"
    )
