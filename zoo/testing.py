"""Conformance kit for architecture plugins, for the plugin's own pytest suite.

    from zoo.testing import check_architecture

    def test_my_model(tmp_path):
        check_architecture("my_model", tmp_path)

Each check builds at tiny sizes, so a whole kit run takes seconds per architecture.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from zoo.config import EMBEDDING_DIM
from zoo.data.prepare import PreparedData
from zoo.data.text import Vectorizer
from zoo.registry import ENTRY_POINT_GROUP, get_registry
from zoo.spec import ArchitectureSpec, InputSpec, TrainingSplit

TINY_VOCAB = 10
TINY_LENGTH = 8
TINY_BATCH = 4
TINY_ROWS = 16  # texts in each of the three splits


def tiny_input_spec(num_classes: int = 2, **changes: Any) -> InputSpec:
    return InputSpec(TINY_VOCAB, TINY_LENGTH, num_classes, **changes)


def tiny_batch(num_classes: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, TINY_VOCAB, size=(TINY_BATCH, TINY_LENGTH), dtype=np.int32)
    labels = rng.integers(0, num_classes, size=(TINY_BATCH,), dtype=np.int32)
    return tokens, labels


def tiny_data(num_classes: int = 2, seed: int = 0) -> PreparedData:
    """Encoded splits of random texts of 1 to ``TINY_LENGTH`` words over ``TINY_VOCAB`` ids,
    left-padded as real data are, so bucketed batches come in several widths."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(TINY_VOCAB - 2)]  # the padding and OOV ids take two
    texts = [
        " ".join(rng.choice(words, size=rng.integers(1, TINY_LENGTH + 1)))
        for _ in range(3 * TINY_ROWS)
    ]
    vectorizer, _ = Vectorizer.fit(texts, TINY_VOCAB, TINY_LENGTH, "start")
    x = vectorizer.encode(texts)
    y = rng.integers(0, num_classes, size=len(texts)).astype(np.int64)
    train, val, test = (slice(i * TINY_ROWS, (i + 1) * TINY_ROWS) for i in range(3))
    return PreparedData(
        x[train],
        y[train],
        x[val],
        y[val],
        x[test],
        y[test],
        vectorizer=vectorizer,
        class_names=[f"class{i}" for i in range(num_classes)],
        dataset_name="tiny",
    )


def check_defaults(spec: ArchitectureSpec) -> None:
    """Every default hyperparameter passes the spec's own checks, those that follow the data
    too, on a tiny training split and on a large one."""
    assert spec.resolve(spec.defaults) == spec.defaults, f"{spec.name}: defaults do not resolve"
    for split in (TrainingSplit(TINY_ROWS, TINY_ROWS * TINY_LENGTH), TrainingSplit(10**6, 10**9)):
        defaults = spec.defaults_for(split)
        assert spec.resolve(defaults) == defaults, f"{spec.name}: data defaults do not resolve"


def check_build_and_fit(spec: ArchitectureSpec, num_classes: int, **hparams: Any) -> Any:
    """Train one epoch on tiny data as every run trains (``zoo.train.run.execute``, with the
    defaults that follow these data): the run checks the model's contract
    (``zoo.train.contract``), feeds it length-bucketed batches as the bench does, and fails on
    a loss that is not finite. Returns the fitted model."""
    from zoo.experiment import PlannedRun
    from zoo.train.run import execute
    from zoo.train.settings import TrainSettings

    data = tiny_data(num_classes)
    chosen = {**spec.defaults_for(TrainingSplit.of(data.x_train)), **hparams}
    run = PlannedRun(spec, TrainSettings(epochs=1, batch_size=TINY_BATCH), spec.resolve(chosen))
    outcome = execute(run, data, verbose=0)
    if outcome.error is not None:
        raise outcome.error
    return outcome.result.model


def check_save_reload(spec: ArchitectureSpec, model: Any, directory: Path) -> None:
    """Saving as ``.keras`` and loading in safe mode, in a new process too, gives the same
    weights (adapted state included) and the same predictions."""
    from zoo.train.folder import check_reloads, load_keras_model

    path = Path(directory) / f"{spec.name}.keras"
    model.save(path)
    check_reloads(path, spec.name)  # as zoo predict will, without the builder's imports
    reloaded = load_keras_model(path, spec.name)
    for saved, loaded in zip(model.weights, reloaded.weights, strict=True):
        np.testing.assert_array_equal(
            np.asarray(saved), np.asarray(loaded), err_msg=f"{spec.name}: {saved.path} changed"
        )
    tokens, _ = tiny_batch(seed=1)
    np.testing.assert_allclose(
        model.predict(tokens, verbose=0), reloaded.predict(tokens, verbose=0), rtol=1e-5, atol=1e-6
    )


def check_pretrained_embeddings(spec: ArchitectureSpec) -> None:
    """A given embedding matrix is a weight of the model, frozen when asked, as every run checks
    (``zoo.train.contract.check_embeddings``).

    Only architectures with an ``embedding_dim`` hyperparameter take pretrained vectors.
    """
    if EMBEDDING_DIM not in spec.hparams:
        return
    from zoo.train.contract import check_embeddings

    matrix = np.random.default_rng(0).normal(size=(TINY_VOCAB, 6)).astype("float32")
    input_spec = tiny_input_spec(embedding_matrix=matrix, embeddings_trainable=False)
    model = spec.builder(input_spec, **{**spec.defaults, EMBEDDING_DIM: 6})
    check_embeddings(model, spec.name, matrix, trainable=False)


def check_light_import(spec: ArchitectureSpec) -> None:
    """Importing the plugin's entry-point module and running its registration hooks imports
    none of Keras, TensorFlow, torch or jax (``zoo list`` pays for every plugin's import)."""
    module = _entry_point_module(spec)
    code = (
        f"import sys, {module} as plugin\n"
        "for hook in ('zoo_register_architectures', 'zoo_register_datasets'):\n"
        "    if callable(getattr(plugin, hook, None)):\n"
        "        getattr(plugin, hook)(lambda spec: None)\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'torch', 'jax') if m in sys.modules]\n"
        "print(', '.join(heavy))\n"
        "sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, (
        f"importing {module} and running its hooks imported: "
        f"{result.stdout.strip() or result.stderr.strip()}; import them inside the builder"
    )


def _entry_point_module(spec: ArchitectureSpec) -> str:
    for record in get_registry().plugins:
        if spec.name in record.architectures:
            for ep in metadata.entry_points(group=ENTRY_POINT_GROUP, name=record.entry_point):
                if ep.dist is not None and ep.dist.name == record.distribution:
                    return ep.module
    raise AssertionError(f"{spec.name}: no entry point provides it")


def check_dataset(name: str, path: str | None = None, **columns: str) -> None:
    """Run the dataset contract checks on the registered dataset ``name``.

    The loader's result is a valid ``TextDataset`` (texts as strings, integer labels indexing
    ``class_names``, a fingerprint), loading twice gives the same data and fingerprint, and the
    data goes through keras-zoo's own split and encoding. ``columns``: ``text_column``,
    ``label_column``.
    """
    from zoo.data.dataset import DatasetOptions
    from zoo.data.prepare import prepare_data
    from zoo.data.settings import DataSettings

    spec = get_registry().dataset(name)
    options = DatasetOptions(path, columns.get("text_column"), columns.get("label_column"))
    first, second = spec.load(options), spec.load(options)
    assert first.fingerprint == second.fingerprint, f"{name}: the fingerprint changes on reload"
    assert first.train_texts == second.train_texts, f"{name}: the training texts change on reload"
    if spec.fingerprint is not None:
        quick = spec.fingerprint(options)
        assert quick == spec.fingerprint(options), f"{name}: fingerprint() is not stable"
    settings = DataSettings(name, path, max_tokens=50, sequence_length=16, **columns)
    prepared = prepare_data(settings, use_cache=False)
    assert len(prepared.x_train) and prepared.class_names == first.class_names


def check_architecture(name: str, directory: Path, **hparams: Any) -> None:
    """Run every conformance check on the registered architecture ``name``."""
    spec = get_registry().architecture(name)
    check_defaults(spec)
    model = check_build_and_fit(spec, 2, **hparams)
    check_build_and_fit(spec, 3, **hparams)
    check_save_reload(spec, model, directory)
    check_pretrained_embeddings(spec)
    check_light_import(spec)
