"""Compute precision: the choices, what ``auto`` becomes on this device, and the dtype policy a
model trains and predicts in.

Nothing here imports Keras until a function that needs it runs: the CLI reads the choices.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from zoo.errors import TrainingError, ZooError, one_line

# "auto": the fastest policy measured for the device a run trains on (dtype_policy)
PRECISION_AUTO = "auto"
FLOAT32 = "float32"
PRECISIONS = (PRECISION_AUTO, FLOAT32, "mixed_float16", "mixed_bfloat16")
AMX_BACKENDS = ("tensorflow", "torch")  # their CPU kernels (oneDNN) compute bfloat16 on AMX


def dtype_policy(precision: str) -> str:
    """The Keras dtype policy a run trains with: ``precision`` itself, unless it is ``auto``.

    ``auto`` is ``mixed_bfloat16`` where bfloat16 was measured to pay: TensorFlow or torch
    computing on a CPU with AMX, whose bfloat16 matrix units oneDNN uses. Elsewhere ``float32``:
    jax (XLA) ran bfloat16 1.2 times slower on the same CPU; without AMX, TensorFlow's bfloat16
    convolutions ran 1.4 (AVX512-BF16) to 3 times (AVX512) slower, or failed (AVX2); on GPUs it
    has not been measured.
    """
    if precision != PRECISION_AUTO:
        return precision
    from zoo.backend import describe_backend

    environment = describe_backend()
    on_cpu = environment["device"].startswith("cpu")
    amx = on_cpu and environment["backend"] in AMX_BACKENDS and cpu_has_amx()
    return "mixed_bfloat16" if amx else FLOAT32


def cpu_has_amx(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether the CPU has AMX bfloat16 units, as Linux lists its flags, and oneDNN may use
    them (``ONEDNN_MAX_CPU_ISA`` can cap it below AMX); False where unknown."""
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA", "ALL").upper()
    if cap not in ("ALL", "DEFAULT") and "AMX" not in cap:
        return False
    try:
        with open(cpuinfo, encoding="utf-8") as handle:
            flags = next((line for line in handle if line.startswith("flags")), "")
    except OSError:
        return False
    return "amx_bf16" in flags.split()


@contextmanager
def training_precision(precision: str, architecture: str) -> Iterator[str]:
    """Keras's global dtype policy is what ``precision`` gives here while the block runs, and
    is restored after; yields the policy. A failure computing in a reduced precision becomes
    one line that suggests float32."""
    from zoo.backend import import_keras

    keras = import_keras()
    previous = keras.mixed_precision.global_policy().name
    policy = dtype_policy(precision)
    keras.mixed_precision.set_global_policy(policy)
    try:
        yield policy
    except ZooError:
        raise
    except Exception as exc:
        if policy == FLOAT32:
            raise
        raise TrainingError(  # e.g. oneDNN without bfloat16 convolutions on an AVX2 CPU
            f"'{architecture}' failed computing in {policy} ({one_line(exc)}); this device may "
            "not support it: run it with --precision float32 (or auto)"
        ) from exc
    finally:
        keras.mixed_precision.set_global_policy(previous)


def fit_to_device(model: Any, trained_precision: str | None) -> None:
    """A model trained at precision ``auto`` computes in what ``auto`` gives here: one trained in
    bfloat16 on a CPU with AMX computes in float32 where ``auto`` means float32 (bfloat16
    convolutions fail on AVX2 CPUs and are 3 times slower on AVX512 ones)."""
    if trained_precision == PRECISION_AUTO and dtype_policy(PRECISION_AUTO) == FLOAT32:
        compute_in_float32(model)


def mixed_policy(model: Any) -> str | None:
    """The mixed dtype policy a layer of ``model`` computes in (``mixed_bfloat16``), if any."""
    return next((layer.dtype_policy.name for layer in _mixed_layers(model)), None)


def compute_in_float32(model: Any) -> None:
    """Layers that compute in a mixed policy compute in float32 (their weights already are)."""
    for layer in _mixed_layers(model):
        layer.dtype_policy = FLOAT32


def _mixed_layers(model: Any) -> list[Any]:
    """The layers of ``model`` in a mixed dtype policy, nested ones too (a Bidirectional's)."""
    return [
        layer for layer in model._flatten_layers() if layer.dtype_policy.name.startswith("mixed_")
    ]
