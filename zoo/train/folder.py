"""A run directory: the trained model, its vectorizer, the resolved config, history, metrics and
its outputs on the validation and test splits (what a saved ensemble is fitted on).

A run is written into a temporary sibling folder and renamed into place once complete, so a run
directory either holds every file or does not exist.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from zoo.backend import configured_backend
from zoo.data.text import Vectorizer
from zoo.errors import ConfigError, DatasetError, PluginError, ZooError, one_line
from zoo.paths import check_can_create, staged
from zoo.train.outputs import RunLog, load_log, save_log
from zoo.train.precision import compute_in_float32, fit_to_device, mixed_policy
from zoo.train.run import RunOutcome, execute

if TYPE_CHECKING:
    from zoo.data.prepare import PreparedData
    from zoo.data.settings import DataSettings
    from zoo.experiment import PlannedRun
    from zoo.train.trainer import TrainResult

MODEL_FILE = "model.keras"
VECTORIZER_FILE = "vectorizer.json"
CONFIG_FILE = "config.json"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"
OUTPUTS_FILE = "outputs.npz"


def check_output_dir(out: Path) -> None:
    """Refuse a folder that already holds files, or one that cannot be created."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} already exists and is not empty; choose another --out")
    check_can_create(out, "--out")


def train_to_folder(
    run: PlannedRun,
    data: PreparedData,
    settings: DataSettings,
    key: str,
    out: Path,
    verbose: int | str = "auto",
    notify: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train ``run`` (``zoo.train.run.execute``) and save it into the new folder ``out``, with
    its config (``key``: its run key); the run's failure is raised."""
    check_output_dir(out)

    def save(outcome: RunOutcome) -> None:
        result = outcome.result
        config = {
            "architecture": run.spec.name,
            "provider": run.spec.provider_label,
            "hparams": run.hparams,
            "data": dataclasses.asdict(settings.resolved()),
            "data_fingerprint": data.fingerprint,
            "train": dataclasses.asdict(run.train),
            "class_names": data.class_names,
            "config_hash": key,
            **outcome.environment,
        }
        history, metrics = result.history, result.metrics
        outputs = RunLog(
            result.test_probabilities,
            data.y_test,
            history,
            data.class_names,
            result.val_probabilities,
            data.y_val,
        )
        save_run(out, result.model, data.vectorizer, config, history, metrics, outputs)

    outcome = execute(run, data, configured_backend(), verbose, notify, keep=save)
    if outcome.error is not None:
        raise outcome.error
    return outcome.result


def save_run(
    out: Path,
    model: Any,
    vectorizer: Vectorizer,
    config: dict[str, Any],
    history: dict[str, list[float]],
    metrics: dict[str, Any],
    outputs: RunLog | None = None,
) -> None:
    """Write every file of a run into ``out`` at once."""
    check_output_dir(out)
    try:
        with staged(out, folder=True) as staging:
            model.save(staging / MODEL_FILE)
            check_reloads(staging / MODEL_FILE, config.get("architecture"))
            vectorizer.save(staging / VECTORIZER_FILE)
            for name, content in (
                (CONFIG_FILE, config),
                (HISTORY_FILE, history),
                (METRICS_FILE, metrics),
            ):
                (staging / name).write_text(json.dumps(_finite(content), indent=2) + "\n")
            if outputs is not None and outputs.probabilities is not None:
                save_log(staging / OUTPUTS_FILE, outputs)
    except OSError as exc:
        raise ConfigError(f"cannot write the run to {out}: {exc.strerror or exc}") from exc


def _finite(value: Any) -> Any:
    """JSON has no NaN: write ``null`` instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


@dataclass
class Run:
    """A saved run: its vectorizer and recorded config, and the path of its model."""

    path: Path
    vectorizer: Vectorizer
    config: dict[str, Any]

    @property
    def class_names(self) -> list[str]:
        return list(self.config["class_names"])

    @property
    def model_file(self) -> Path:
        return self.path / MODEL_FILE

    def outputs(self) -> RunLog | None:
        """Its outputs on the validation and test splits (None for a run saved before they
        were kept)."""
        return load_log(self.path / OUTPUTS_FILE)

    def load_model(self) -> Any:
        """The trained model, loaded in Keras safe mode (this imports Keras), computing in the
        precision its recorded one gives on this device (``zoo.train.precision.fit_to_device``)."""
        try:
            model = load_keras_model(self.model_file, self.config.get("architecture"))
        except ZooError:
            raise
        except Exception as exc:  # Keras raises many types for a bad file
            raise DatasetError(f"cannot load {self.model_file}: {one_line(exc)}") from exc
        fit_to_device(model, self.config.get("train", {}).get("precision"))
        return model

    def predict(self, x: np.ndarray, report: Callable[[str], None]) -> np.ndarray:
        """The model's outputs for ``x``. Where its reduced precision fails on this device (a run
        trained with ``--precision mixed_bfloat16``, loaded on a CPU whose oneDNN has no bfloat16
        convolutions), it computes in float32 instead and ``report`` says so."""
        from zoo.train.inputs import predict_probabilities

        model = self.load_model()
        try:
            return predict_probabilities(model, x)
        except ZooError:
            raise
        except Exception as exc:
            policy = mixed_policy(model)
            if policy is None:
                raise
            name = self.config.get("architecture", "the model")
            report(
                f"note: '{name}' failed computing in {policy} on this device ({one_line(exc)}); "
                "it computes in float32 instead"
            )
            compute_in_float32(model)
            model.predict_function = None  # traced in the old policy
            return predict_probabilities(model, x)

    def predict_texts(self, texts: list[str], report: Callable[[str], None]) -> np.ndarray:
        """The model's outputs for raw ``texts``, encoded by the run's vectorizer."""
        return self.predict(self.vectorizer.encode(texts), report)


def require_run_dir(path: str | Path) -> Path:
    """``path`` as a ``Path`` if it holds a saved model, else a ``DatasetError``."""
    path = Path(path).expanduser()
    if not (path / MODEL_FILE).is_file():
        raise DatasetError(
            f"{path} is not a run directory (no {MODEL_FILE}); pass a 'zoo train --out' folder"
        )
    return path


def read_run(path: str | Path) -> Run:
    """Check and read a run directory without importing Keras; the model loads on demand."""
    path = require_run_dir(path)
    try:
        config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"cannot read {path / CONFIG_FILE}: {exc}") from exc
    vectorizer = Vectorizer.load(path / VECTORIZER_FILE)
    if not zipfile.is_zipfile(path / MODEL_FILE):
        raise DatasetError(
            f"{path / MODEL_FILE} is damaged (not a .keras zip archive); train the run again"
        )
    return Run(path, vectorizer, config)


def load_keras_model(path: Path, architecture: str | None = None) -> Any:
    """Load a ``.keras`` file in safe mode, with the custom layers its architecture declares.

    A model of a registered architecture that Keras cannot rebuild is that architecture's fault
    (a custom layer missing from its ``custom_objects``): the error names it and its provider.
    """
    from zoo.backend import import_keras
    from zoo.registry import get_registry

    keras = import_keras()
    spec = get_registry().architectures.get(architecture or "")
    custom = spec.custom_objects() if spec is not None and spec.custom_objects else None
    try:
        return keras.saving.load_model(path, custom_objects=custom, safe_mode=True)
    except Exception as exc:  # Keras raises many types
        if spec is None or not _is_deserialization_error(exc):
            raise
        raise PluginError(
            f"architecture '{spec.name}' ({spec.provider_label or 'registered by hand'}) saved "
            f"a model Keras cannot rebuild {_missing_piece(exc)}; its custom layers must be "
            "registered with keras.saving.register_keras_serializable and returned by "
            "ArchitectureSpec(custom_objects=...): report it to its author"
        ) from exc


def _is_deserialization_error(exc: Exception) -> bool:
    text = str(exc)
    return "deserializ" in text or "Could not locate" in text or "Unknown layer" in text


def _missing_piece(exc: Exception) -> str:
    """What Keras could not find, e.g. "without its class 'Doubler'", from its long message."""
    found = re.search(r"Could not locate (class|function) '([^']+)'", str(exc))
    if found:
        return f"without its {found.group(1)} '{found.group(2)}'"
    text = " ".join(str(exc).split())
    return f"({type(exc).__name__}: {text.split('. ')[0].rstrip('.')})"


def check_reloads(path: Path, architecture: str | None) -> None:
    """Load the saved model in a new Python process, as ``zoo predict`` will.

    In the process that built the model, its custom layers are registered by the builder's
    imports; a new process has only what the architecture declares, so only it can tell.
    """
    code = (
        "import sys\n"
        "from zoo.errors import one_line\n"
        "from zoo.train.folder import load_keras_model\n"
        "try:\n"
        "    load_keras_model(sys.argv[1], sys.argv[2] or None)\n"
        "except Exception as exc:\n"
        "    print(one_line(exc))\n"
        "    sys.exit(1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), architecture or ""],
        capture_output=True,
        text=True,
        env={**os.environ, "ZOO_STRICT_PLUGINS": ""},
    )
    if result.returncode:
        reason = result.stdout.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise PluginError(f"the trained model does not load in a new process: {reason[0]}")
