"""Which Keras backend runs, its framework version and the device it computes on."""

from __future__ import annotations

import importlib.util
import os
import platform

from zoo.errors import ConfigError

BACKENDS = ("tensorflow", "jax", "torch")


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


def describe_backend() -> dict[str, str]:
    """Backend name, Keras and framework versions, and the device name."""
    import keras

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
