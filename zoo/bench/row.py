"""The results row: one run of a bench as the results file keeps it, declared once.

Every column is a field of ``ResultRow``, in file order, typed as it is read back; a blank cell
is None. Fields marked ``setting`` tell one configuration of a model from another in the
comparison table (``zoo.report.table``); ``config_hash`` holds the run key
(``zoo.experiment.run_key``): every setting that decides the numbers except the seed. NumPy-free.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoo.train.run import RunOutcome, timestamp

if TYPE_CHECKING:
    from zoo.data.prepare import PreparedData
    from zoo.data.settings import DataSettings
    from zoo.experiment import PlannedRun

OK, ERROR = "ok", "error"
_SETTING = {"setting": True}
_ENVIRONMENT = {"environment": True}


@dataclass(frozen=True)
class ResultRow:
    """One run: who and what, its status, what it measured, its settings, where it ran."""

    timestamp: str | None = None
    model: str | None = None
    provider: str | None = None
    seed: int | None = None
    config_hash: str | None = None
    status: str | None = None
    error: str | None = None
    params: int | None = None
    test_accuracy: float | None = None
    macro_f1: float | None = None  # the mean of the classes' F1 scores on the test split
    best_val_accuracy: float | None = None
    epochs_run: int | None = None
    stopped: str | None = None  # planned (every planned epoch ran) or early (early stopping)
    best_epoch: int | None = None  # the epoch whose weights the model kept
    train_seconds: float | None = None
    first_step_seconds: float | None = None
    seconds_per_epoch: float | None = None
    train_samples_per_second: float | None = None
    inference_samples_per_second: float | None = None
    latency_ms: float | None = None
    time_to_target_seconds: float | None = None
    target_accuracy: float | None = None
    dataset: str | None = field(default=None, metadata=_SETTING)
    data_fingerprint: str | None = field(default=None, metadata=_SETTING)
    text_column: str | None = None
    label_column: str | None = None
    num_classes: int | None = None
    majority_share: float | None = None  # the largest class's share of the test split
    train_size: int | None = field(default=None, metadata=_SETTING)
    val_size: int | None = field(default=None, metadata=_SETTING)
    test_size: int | None = field(default=None, metadata=_SETTING)
    max_tokens: int | None = field(default=None, metadata=_SETTING)
    sequence_length: int | None = field(default=None, metadata=_SETTING)
    punctuation: str | None = field(default=None, metadata=_SETTING)  # blank: before the setting
    batch_size: int | None = field(default=None, metadata=_SETTING)
    epochs: int | None = field(default=None, metadata=_SETTING)
    optimizer: str | None = field(default=None, metadata=_SETTING)
    learning_rate: float | None = field(default=None, metadata=_SETTING)
    precision: str | None = field(default=None, metadata=_SETTING)
    embeddings: str | None = field(default=None, metadata=_SETTING)
    hparams: str | None = None  # JSON of the resolved hyperparameters
    backend: str | None = field(default=None, metadata=_ENVIRONMENT)
    keras_version: str | None = field(default=None, metadata=_ENVIRONMENT)
    framework_version: str | None = field(default=None, metadata=_ENVIRONMENT)
    device: str | None = field(default=None, metadata=_ENVIRONMENT)
    study: str | None = None  # the zoo tune study whose best settings this run trained with
    command: str | None = None

    @classmethod
    def planned(
        cls,
        run: PlannedRun,
        key: str,
        data: PreparedData,
        settings: DataSettings,
        command: str,
        study: str | None = None,
    ) -> ResultRow:
        """The columns known before training: the run, its data and settings (``data`` may
        withhold its test split: a tune trial's row)."""
        train = run.train
        return cls(
            timestamp=timestamp(),
            model=run.spec.name,
            provider=run.spec.provider_label,
            seed=train.seed,
            config_hash=key,
            target_accuracy=train.target_accuracy,
            dataset=data.dataset_name,
            data_fingerprint=data.fingerprint[:16],
            text_column=data.text_column,
            label_column=data.label_column,
            num_classes=data.num_classes,
            majority_share=majority_share(data.y_test),
            train_size=len(data.x_train),
            val_size=len(data.x_val),
            test_size=None if data.x_test is None else len(data.x_test),
            max_tokens=settings.max_tokens,
            sequence_length=data.vectorizer.sequence_length,
            punctuation=settings.punctuation,
            batch_size=train.batch_size,
            epochs=train.epochs,
            optimizer=train.optimizer,
            learning_rate=train.learning_rate,
            precision=train.precision,
            embeddings=Path(train.embeddings).name if train.embeddings else "",
            hparams=json.dumps(run.hparams, sort_keys=True),
            study=study,
            command=command,
        )

    def finished(self, outcome: RunOutcome) -> ResultRow:
        """This row once its run has trained: where and when it ran, and what it measured (the
        precision becomes the policy ``auto`` chose) or why it failed."""
        from zoo.errors import one_line

        ran = dataclasses.replace(self, **outcome.environment, timestamp=outcome.started)
        if outcome.result is None:
            return dataclasses.replace(ran, status=ERROR, error=one_line(outcome.error))
        return dataclasses.replace(ran, **outcome.result.metrics, status=OK)

    def died(self, backend: str, reason: str) -> ResultRow:
        """This row for a run that never finished: its worker died, or could not start it."""
        return dataclasses.replace(self, backend=backend, status=ERROR, error=reason)

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def hparam_values(self) -> dict[str, Any]:
        """The hyperparameters as a dict; empty where the cell is not a JSON object."""
        try:
            values = json.loads(self.hparams or "{}")
        except ValueError:  # a hand-edited cell
            return {}
        return values if isinstance(values, dict) else {}

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


COLUMNS = tuple(f.name for f in fields(ResultRow))
SETTING_COLUMNS = tuple(f.name for f in fields(ResultRow) if f.metadata.get("setting"))
ENVIRONMENT_COLUMNS = tuple(f.name for f in fields(ResultRow) if f.metadata.get("environment"))


def column_types() -> dict[str, type]:
    """Each column and the type its cells are read back as (``int``, ``float`` or ``str``)."""
    hints = typing.get_type_hints(ResultRow)
    return {
        name: next(t for t in typing.get_args(hints[name]) if t is not type(None))
        for name in COLUMNS
    }


def majority_share(labels: Any) -> float | None:
    """The largest class's share of ``labels`` (None when there are none to count)."""
    if labels is None or not len(labels):
        return None
    counts: dict[Any, int] = {}
    for label in labels.tolist() if hasattr(labels, "tolist") else labels:
        counts[label] = counts.get(label, 0) + 1
    return max(counts.values()) / len(labels)
