"""Adapting layers before training: statistics a model learns from its training split.

A layer with an ``adapt`` method (as Keras preprocessing layers have) is adapted on what it sees
of the training split: the token ids when it takes the model input, else the outputs of the
layers before it. When its ``adapt`` has a ``labels`` parameter it also gets the training labels.
Validation and test data never reach ``adapt``. This module imports Keras.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from zoo.backend import import_keras
from zoo.train.inputs import INFERENCE_BATCH, predict_outputs

keras = import_keras()


def adaptable_layers(model: Any) -> list[Any]:
    """The model's layers that have an ``adapt`` method, in the order they compute."""
    return [layer for layer in model.layers if callable(getattr(layer, "adapt", None))]


def adapt_layers(model: Any, tokens: np.ndarray, labels: np.ndarray) -> list[str]:
    """Adapt each adaptable layer on the training ``tokens`` (and ``labels``); their names."""
    adapted = []
    for layer in adaptable_layers(model):
        inputs = _layer_inputs(model, layer, tokens)
        if "labels" in inspect.signature(layer.adapt).parameters:
            layer.adapt(inputs, labels=labels)
        else:
            layer.adapt(inputs)
        adapted.append(layer.name)
    return adapted


def _layer_inputs(model: Any, layer: Any, tokens: np.ndarray) -> Any:
    if any(layer.input is model_input for model_input in model.inputs):
        return tokens
    upstream = keras.Model(model.inputs, layer.input)
    return predict_outputs(upstream, tokens, INFERENCE_BATCH, bucketed=False)
