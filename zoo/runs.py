"""A run directory: the trained model, its vectorizer, the resolved config, history and metrics.

A run is written into a temporary sibling folder and renamed into place once complete, so a run
directory either holds every file or does not exist.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.data.text import Vectorizer
from zoo.errors import ConfigError, DatasetError, one_line
from zoo.paths import check_can_create, staged

MODEL_FILE = "model.keras"
VECTORIZER_FILE = "vectorizer.json"
CONFIG_FILE = "config.json"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"


def check_output_dir(out: Path) -> None:
    """Refuse a folder that already holds files, or one that cannot be created."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} already exists and is not empty; choose another --out")
    check_can_create(out, "--out")


def save_run(
    out: Path,
    model: Any,
    vectorizer: Vectorizer,
    config: dict[str, Any],
    history: dict[str, list[float]],
    metrics: dict[str, Any],
) -> None:
    """Write every file of a run into ``out`` at once."""
    check_output_dir(out)
    try:
        with staged(out, folder=True) as staging:
            model.save(staging / MODEL_FILE)
            vectorizer.save(staging / VECTORIZER_FILE)
            for name, content in (
                (CONFIG_FILE, config),
                (HISTORY_FILE, history),
                (METRICS_FILE, metrics),
            ):
                (staging / name).write_text(json.dumps(_finite(content), indent=2) + "\n")
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

    def load_model(self) -> Any:
        """The trained model, loaded in Keras safe mode (this imports Keras)."""
        try:
            return load_keras_model(self.model_file, self.config.get("architecture"))
        except Exception as exc:  # Keras raises many types for a bad file
            raise DatasetError(f"cannot load {self.model_file}: {one_line(exc)}") from exc


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
    """Load a ``.keras`` file in safe mode, with the custom layers its architecture declares."""
    from zoo.backend import import_keras
    from zoo.registry import get_registry

    keras = import_keras()
    spec = get_registry().architectures.get(architecture or "")
    custom = spec.custom_objects() if spec is not None and spec.custom_objects else None
    return keras.saving.load_model(path, custom_objects=custom, safe_mode=True)
