"""A saved ensemble: copies of its members' run folders and the combination fitted on their
validation outputs, in one folder that ``zoo predict`` serves.

``ENS/ensemble.json`` holds the method, the fitted weights or stacker, the members' folder names
under ``ENS/members/`` and the accuracies measured when it was saved; each member predicts from
the raw texts with its own vectorizer, and the combination joins their outputs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zoo.ensemble import AUTO
from zoo.ensemble.combine import Combiner, choose_method, fit, held_out
from zoo.errors import ConfigError, DatasetError
from zoo.paths import staged
from zoo.train.folder import Run, check_output_dir, read_run
from zoo.train.outputs import RunLog

ENSEMBLE_FILE = "ensemble.json"
MEMBERS_FOLDER = "members"


@dataclass
class SavedEnsemble:
    """A saved ensemble's members and fitted combination."""

    path: Path
    members: list[Run]
    combiner: Combiner
    summary: dict[str, Any]

    @property
    def class_names(self) -> list[str]:
        return list(self.summary["class_names"])

    def predict_texts(self, texts: list[str], report: Callable[[str], None]) -> np.ndarray:
        """The combined class probabilities of the members' outputs for raw ``texts``."""
        return self.combiner.apply([member.predict_texts(texts, report) for member in self.members])


def is_ensemble_dir(path: str | Path) -> bool:
    return (Path(path).expanduser() / ENSEMBLE_FILE).is_file()


def save_ensemble(run_dirs: list[str], method: str, out: Path) -> dict[str, Any]:
    """Fit ``method`` (``auto``: the best on held-out validation) on the validation outputs of
    the ``zoo train`` folders ``run_dirs`` (the same data and split) and save the ensemble
    into the new folder ``out``; what it measured (validation and test accuracy, each member's
    weight, each method's held-out accuracy when chosen)."""
    if len(run_dirs) < 2:
        raise ConfigError("an ensemble needs two runs or more; name their 'zoo train' folders")
    check_output_dir(out)
    runs = [read_run(path) for path in run_dirs]
    outputs = [_outputs(run) for run in runs]
    _check_shared(runs, outputs)
    first = outputs[0]
    validation_outputs = [log.val_probabilities for log in outputs]
    scores = None
    if method == AUTO:
        method, scores = choose_method([(validation_outputs, first.val_labels)])
    combiner = fit(method, validation_outputs, first.val_labels)
    validation = held_out(method, validation_outputs, first.val_labels)
    test = combiner.apply([log.probabilities for log in outputs])
    names = _member_names(runs)
    summary = {
        "combination": combiner.to_dict(),
        "method_scores": scores,  # each method's held-out validation accuracy, when chosen
        "members": names,
        "class_names": runs[0].class_names,
        "data_fingerprint": runs[0].config.get("data_fingerprint"),
        "validation_accuracy": float(np.mean(validation.argmax(axis=1) == first.val_labels)),
        "test_accuracy": float(np.mean(test.argmax(axis=1) == first.labels)),
    }
    try:
        with staged(out, folder=True) as staging:
            for run, name in zip(runs, names, strict=True):
                shutil.copytree(run.path, staging / MEMBERS_FOLDER / name)
            (staging / ENSEMBLE_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    except OSError as exc:
        raise ConfigError(f"cannot write the ensemble to {out}: {exc.strerror or exc}") from exc
    return summary


def read_ensemble(path: str | Path) -> SavedEnsemble:
    """Check and read a saved ensemble without importing Keras."""
    path = Path(path).expanduser()
    try:
        summary = json.loads((path / ENSEMBLE_FILE).read_text(encoding="utf-8"))
        combiner = Combiner.from_dict(summary["combination"])
        names = list(summary["members"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"cannot read {path / ENSEMBLE_FILE}: {exc}") from exc
    members = [read_run(path / MEMBERS_FOLDER / name) for name in names]
    return SavedEnsemble(path, members, combiner, summary)


def _outputs(run: Run) -> RunLog:
    log = run.outputs()
    if log is None or log.val_probabilities is None or log.val_labels is None:
        raise ConfigError(
            f"{run.path} keeps no validation outputs (saved before ensembles); train it again"
        )
    return log


def _check_shared(runs: list[Run], outputs: list[RunLog]) -> None:
    """Refuse runs of other data or splits, in one line."""
    first, reference = runs[0], outputs[0]
    for run, log in zip(runs[1:], outputs[1:], strict=True):
        same = (
            run.config.get("data_fingerprint") == first.config.get("data_fingerprint")
            and run.class_names == first.class_names
            and log.scored_alike(reference)
        )
        if not same:
            raise ConfigError(
                f"{run.path} and {first.path} were trained on other data or splits; ensemble "
                "runs trained on the same data with the same split settings"
            )


def _member_names(runs: list[Run]) -> list[str]:
    """Each member's folder name: its architecture, numbered when one appears twice."""
    architectures = [str(run.config.get("architecture", "run")) for run in runs]
    return [
        f"{number}-{name}" if architectures.count(name) > 1 else name
        for number, name in enumerate(architectures, start=1)
    ]


def read_predictor(path: str | Path) -> Run | SavedEnsemble:
    """The saved run or ensemble in ``path`` (both predict from raw texts)."""
    return read_ensemble(path) if is_ensemble_dir(path) else read_run(path)
