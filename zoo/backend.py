"""Which Keras backend runs, its framework version and the device it computes on."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import platform
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def configured_backend() -> str:
    """The backend Keras runs (or would run) in this process, without importing Keras.

    As Keras decides: ``KERAS_BACKEND``, else ``backend`` in ``$KERAS_HOME/keras.json`` (by
    default ``~/.keras``), else TensorFlow.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json"), encoding="utf-8") as handle:
            return str(json.load(handle).get("backend") or "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def require_backend(name: str) -> None:
    """Fail with one clear line when the framework behind backend ``name`` is missing."""
    if importlib.util.find_spec(name) is None:
        raise ConfigError(
            f"the Keras backend '{name}' is not installed; pip install {name}, "
            "or choose another backend"
        )


def import_keras() -> ModuleType:
    """Import Keras and its backend, keeping the framework's start-up log lines off stderr."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with quiet_start_up():
        return importlib.import_module("keras")


def seed_everything(seed: int) -> None:
    """``keras.utils.set_random_seed``, which also loads TensorFlow (quietly) where installed."""
    with quiet_start_up():
        import_keras().utils.set_random_seed(seed)


@contextmanager
def quiet_start_up() -> Iterator[None]:
    """Keep native start-up chatter written to stderr inside the block off it; replay the rest.

    TensorFlow's native loggers ignore ``TF_CPP_MIN_LOG_LEVEL`` since 2.20, so file descriptor
    2 itself is captured while the block runs; lines other than the known chatter are replayed.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
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


@functools.cache
def torch_without_cuda() -> bool:
    """Whether Keras runs on torch and torch has no CUDA device (a CPU, or Apple's MPS)."""
    if import_keras().backend.backend() != "torch":
        return False
    import torch

    return not torch.cuda.is_available()


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
