"""Which Keras backend runs, its framework version and the device it computes on."""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import re
import sys
import tempfile
from types import ModuleType

from zoo.errors import ConfigError

BACKENDS = ("tensorflow", "jax", "torch")
# What native framework code writes to stderr while it loads: TensorFlow's absl/glog lines
# ("I0000 00:00:… port.cc:153] oneDNN …"), absl's pre-init warning and its continuation lines.
START_UP_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]"
    r"|To enable the following instructions:)"
)


def select_backend(name: str | None) -> None:
    """Choose the Keras backend (must run before Keras is imported) and check it is installed."""
    if name:
        os.environ["KERAS_BACKEND"] = name
    chosen = os.environ.get("KERAS_BACKEND")
    if chosen in BACKENDS:
        require_backend(chosen)


def require_backend(name: str) -> None:
    """Fail with one clear line when the framework behind backend ``name`` is missing."""
    if importlib.util.find_spec(name) is None:
        raise ConfigError(
            f"the Keras backend '{name}' is not installed; pip install {name}, "
            "or choose another backend"
        )


def import_keras() -> ModuleType:
    """Import Keras and its backend, keeping the framework's start-up log lines off stderr.

    TensorFlow's native loggers ignore ``TF_CPP_MIN_LOG_LEVEL`` since 2.20, so file descriptor
    2 is captured while Keras loads; lines other than the known start-up chatter are replayed.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"]
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            keras = importlib.import_module("keras")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [
                line
                for line in captured.read().decode("utf-8", "replace").splitlines()
                if not START_UP_NOISE.match(line)
            ]
            for line in kept:
                print(line, file=sys.stderr)
    return keras


def describe_backend() -> dict[str, str]:
    """Backend name, Keras and framework versions, and the device name."""
    keras = import_keras()

    backend = keras.backend.backend()
    framework, device = _framework_and_device(backend)
    return {
        "backend": backend,
        "keras_version": keras.__version__,
        "framework_version": framework,
        "device": device,
    }


def _framework_and_device(backend: str) -> tuple[str, str]:
    cpu = f"cpu ({platform.machine()}, {os.cpu_count()} cores)"
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return f"torch {torch.__version__}", torch.cuda.get_device_name(0)
        return f"torch {torch.__version__}", cpu
    if backend == "jax":
        import jax

        first = jax.devices()[0]
        name = cpu if first.platform == "cpu" else getattr(first, "device_kind", first.platform)
        return f"jax {jax.__version__}", name
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"tensorflow {tf.__version__}", details.get("device_name", "gpu")
        return f"tensorflow {tf.__version__}", cpu
    return backend, cpu
