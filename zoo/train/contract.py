"""What an architecture's model must do, checked the same way for every run and by the plugin
kit (``zoo.testing``): build without error, give one probability per class, hold pretrained
vectors when given them, and predict through its compiled function what its forward pass gives.

Each check fails with one line that names the architecture and says what to fix. This module
imports Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.backend import import_keras
from zoo.errors import PluginError, TrainingError, ZooError, one_line
from zoo.spec import ArchitectureSpec, InputSpec
from zoo.train.buckets import plan_batches
from zoo.train.inputs import (
    INFERENCE_BATCH,
    predict_probabilities,
    takes_any_length,
    trace_inference,
)
from zoo.train.outputs import improbable_values

keras = import_keras()

PROBE_ROWS = 8  # training texts the untrained model is checked on
PROBABILITY_TOLERANCE = 1e-3  # how far from 1 a softmax row may sum (bfloat16 rounding)
AGREEMENT_ROWS = 64  # texts of a fixed-length model on which compiled and eager inference agree
AGREEMENT_TOLERANCE = 0.05  # in probability: rounding stays far below it, broken inference above


def build_checked(
    spec: ArchitectureSpec, input_spec: InputSpec, hparams: dict[str, Any], probe: np.ndarray
) -> Any:
    """``spec``'s model for ``input_spec``, checked before training on the token ids ``probe``:
    its output shape, that its outputs are probabilities, and that it holds the pretrained
    vectors of ``input_spec`` when it has them."""
    model = _build(spec, input_spec, hparams)
    check_output_shape(model, spec.name, input_spec)
    check_probabilities(model, spec.name, probe[:PROBE_ROWS])
    if input_spec.embedding_matrix is not None:
        check_embeddings(
            model, spec.name, input_spec.embedding_matrix, input_spec.embeddings_trainable
        )
    return model


def _build(spec: ArchitectureSpec, input_spec: InputSpec, hparams: dict[str, Any]) -> Any:
    """Call the plugin's builder; its failure names the plugin instead of looking like ours."""
    try:
        return spec.builder(input_spec, **hparams)
    except ZooError:
        raise
    except Exception as exc:  # a plugin's builder may fail in any way
        provider = spec.provider_label or "its plugin"
        raise PluginError(
            f"architecture '{spec.name}' ({provider}) failed to build: {one_line(exc)}; "
            f"check its hyperparameters with 'zoo info {spec.name}' or report it to its author"
        ) from exc


def check_output_shape(model: Any, name: str, input_spec: InputSpec) -> None:
    expected = input_spec.output_units
    shape = tuple(model.output_shape)
    if len(shape) != 2 or shape[-1] != expected:
        raise TrainingError(
            f"architecture '{name}' returns outputs of shape {shape}, expected (None, {expected}) "
            f"for {input_spec.num_classes} classes; fix the plugin's builder"
        )


def check_probabilities(model: Any, name: str, x: np.ndarray) -> None:
    """The model's outputs must be probabilities: in [0, 1], summing to 1 over classes.

    Fed as every later inference is (``predict_probabilities``), so TensorFlow traces the
    model's predict function once, for batches of any size and width, and not again for each
    new shape (which it warns about on stderr once a few models have done it).
    """
    outside = improbable_values(predict_probabilities(model, x), tolerance=PROBABILITY_TOLERANCE)
    if outside is not None:
        example = f" (e.g. {outside.flat[0]:.3g})" if outside.size else ""
        raise TrainingError(
            f"architecture '{name}' returns values outside [0, 1] or not summing to 1"
            f"{example}: end it in a sigmoid (2 classes) or a softmax, as "
            "zoo.blocks.classifier_head does; fix the plugin's builder"
        )


def check_embeddings(model: Any, name: str, matrix: np.ndarray, trainable: bool) -> None:
    """The pretrained matrix must be a weight of the model, frozen when asked: else the row
    would claim pretrained vectors the model never used."""
    for weight in model.trainable_weights + model.non_trainable_weights:
        if tuple(weight.shape) == matrix.shape and np.allclose(np.asarray(weight), matrix):
            if weight.trainable and not trainable:
                raise TrainingError(
                    f"architecture '{name}' trains the pretrained embeddings although "
                    "--freeze-embeddings was given; its builder must pass "
                    "input_spec.embeddings_trainable on (zoo.blocks.embed does)"
                )
            return
    raise TrainingError(
        f"architecture '{name}' ignores the pretrained embeddings: no weight of its model holds "
        "them; its builder must use input_spec.embedding_matrix (zoo.blocks.embed does)"
    )


def check_compiled_inference(model: Any, name: str, x: np.ndarray) -> None:
    """The compiled function that ``evaluate`` and ``predict`` run must give the eager forward
    pass's outputs. On jax with a GPU (Keras 3.15.1, jax 0.11.2) the recurrent models trained to
    96 % training accuracy while every validation and test output sat near 0.5: without this
    check that is a row at chance that looks like a result."""
    tokens = _agreement_batch(model, x)
    trace_inference(model, tokens.dtype)
    compiled = np.asarray(model.predict_on_batch(tokens), dtype=np.float64)
    eager = np.asarray(keras.ops.convert_to_numpy(model(tokens, training=False)), np.float64)
    difference = float(np.max(np.abs(compiled - eager), initial=0.0))
    if not difference <= AGREEMENT_TOLERANCE:  # NaN fails too
        raise TrainingError(
            f"'{name}': the compiled inference that evaluate and predict run disagrees with the "
            f"model's eager forward pass on the same training texts (outputs differ by up to "
            f"{difference:.2f}), so its accuracy would be wrong: a bug of the "
            f"{keras.backend.backend()} backend or of one of the model's layers; try another "
            "--backend, or report it to the architecture's author"
        )


def _agreement_batch(model: Any, x: np.ndarray) -> np.ndarray:
    """Training texts shaped as inference batches are: the largest bucket of the first
    ``INFERENCE_BATCH`` texts, cut to its width, when the model takes any length."""
    sample = x[:INFERENCE_BATCH]
    if not takes_any_length(model):
        return sample[:AGREEMENT_ROWS]
    batch = max(plan_batches(sample, INFERENCE_BATCH), key=lambda batch: len(batch.rows))
    return batch.cut(sample)
