"""``--precision auto``: bfloat16 only where it was measured to pay, float32 elsewhere."""

from __future__ import annotations

import pytest

import zoo.backend
import zoo.train.precision
from zoo import get_spec
from zoo.config import ExperimentConfig
from zoo.train.precision import cpu_has_amx, dtype_policy

SAPPHIRE_RAPIDS = "flags\t\t: fpu avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n"
ICE_LAKE = "flags\t\t: fpu avx2 avx512f avx512_vnni\n"


@pytest.mark.parametrize(("cpuinfo", "expected"), [(SAPPHIRE_RAPIDS, True), (ICE_LAKE, False)])
def test_amx_is_read_from_the_cpu_flags(tmp_path, monkeypatch, cpuinfo, expected):
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    path = tmp_path / "cpuinfo"
    path.write_text("processor\t: 0\n" + cpuinfo)
    assert cpu_has_amx(str(path)) is expected


@pytest.mark.parametrize(("cap", "expected"), [("AVX2", False), ("avx512_core_amx", True)])
def test_a_onednn_cap_below_amx_counts_as_without_it(tmp_path, monkeypatch, cap, expected):
    path = tmp_path / "cpuinfo"
    path.write_text(SAPPHIRE_RAPIDS)
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", cap)
    assert cpu_has_amx(str(path)) is expected


def test_unknown_cpu_counts_as_without_amx(tmp_path):
    assert cpu_has_amx(str(tmp_path / "missing")) is False


@pytest.mark.parametrize(
    ("backend", "device", "amx", "expected"),
    [
        ("tensorflow", "cpu (x86_64, 2 cores)", True, "mixed_bfloat16"),
        ("torch", "cpu (x86_64, 2 cores)", True, "mixed_bfloat16"),
        ("tensorflow", "cpu (x86_64, 2 cores)", False, "float32"),
        ("jax", "cpu (x86_64, 2 cores)", True, "float32"),  # XLA: slower in bfloat16
        ("torch", "NVIDIA H200", True, "float32"),  # not measured on GPUs
    ],
)
def test_auto_is_bfloat16_only_on_a_cpu_with_amx(monkeypatch, backend, device, amx, expected):
    environment = {"backend": backend, "device": device}
    monkeypatch.setattr(zoo.backend, "describe_backend", lambda: environment)
    monkeypatch.setattr(zoo.train.precision, "cpu_has_amx", lambda: amx)
    assert dtype_policy("auto") == expected


@pytest.mark.parametrize("precision", ["float32", "mixed_float16", "mixed_bfloat16"])
def test_a_named_precision_is_used_as_given(monkeypatch, precision):
    monkeypatch.setattr(zoo.train.precision, "cpu_has_amx", lambda: True)
    assert dtype_policy(precision) == precision


def test_cnn1d_defaults_to_auto_and_a_flag_overrides_it():
    spec = get_spec("cnn1d")
    assert ExperimentConfig().train_settings("cnn1d", spec.train_defaults).precision == "auto"
    given = ExperimentConfig(train={"precision": "float32"})
    assert given.train_settings("cnn1d", spec.train_defaults).precision == "float32"
    bilstm = get_spec("bilstm")
    assert ExperimentConfig().train_settings("bilstm", bilstm.train_defaults).precision == "float32"


@pytest.fixture
def bfloat16_model_file(tmp_path):
    """A cnn1d saved as trained in mixed_bfloat16 (built, not run: no bfloat16 arithmetic)."""
    import keras

    from zoo import InputSpec, build_model
    from zoo.train.folder import MODEL_FILE

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = build_model("cnn1d", InputSpec(vocab_size=50, sequence_length=20, num_classes=2))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    model.save(tmp_path / MODEL_FILE)
    return tmp_path


@pytest.mark.parametrize(
    ("precision", "amx", "expected"),
    [
        ("auto", False, "float32"),  # bfloat16 would fail or crawl on this CPU
        ("auto", True, "mixed_bfloat16"),  # as trained: the same numbers
        ("mixed_bfloat16", False, "mixed_bfloat16"),  # asked for by name
    ],
)
def test_a_loaded_run_computes_as_auto_gives_on_this_device(
    monkeypatch, bfloat16_model_file, precision, amx, expected
):
    from zoo.train.folder import Run

    environment = {"backend": "tensorflow", "device": "cpu (x86_64, 2 cores)"}
    monkeypatch.setattr(zoo.backend, "describe_backend", lambda: environment)
    monkeypatch.setattr(zoo.train.precision, "cpu_has_amx", lambda: amx)
    config = {"architecture": "cnn1d", "train": {"precision": precision}}
    model = Run(bfloat16_model_file, None, config).load_model()
    assert model.get_layer("conv").dtype_policy.name == expected
    assert model.layers[-1].dtype_policy.name == "float32"  # the head always was


def test_a_run_whose_precision_fails_here_predicts_in_float32_and_says_so(
    monkeypatch, bfloat16_model_file
):
    import numpy as np

    import zoo.train.inputs
    from zoo.train.folder import Run

    real_predict = zoo.train.inputs.predict_probabilities

    def fails_in_bfloat16(model, x):  # as oneDNN without bfloat16 convolutions (an AVX2 CPU)
        if model.get_layer("conv").dtype_policy.name != "float32":
            raise RuntimeError("could not create a primitive descriptor")
        return real_predict(model, x)

    monkeypatch.setattr(zoo.train.inputs, "predict_probabilities", fails_in_bfloat16)
    notes = []
    config = {"architecture": "cnn1d", "train": {"precision": "mixed_bfloat16"}}
    x = np.ones((3, 20), dtype="int32")
    probabilities = Run(bfloat16_model_file, None, config).predict(x, report=notes.append)
    assert probabilities.shape == (3, 1) and np.isfinite(probabilities).all()
    assert notes == [
        "note: 'cnn1d' failed computing in mixed_bfloat16 on this device (RuntimeError: could "
        "not create a primitive descriptor); it computes in float32 instead"
    ]
