"""Does Keras's jax cuDNN LSTM agree with its generic kernel, eagerly and compiled? (GPU only)

    KERAS_BACKEND=jax python benchmarks/jax_lstm_check.py

For LSTMs returning the last state or the sequence, in one direction or two: the largest
difference between the cuDNN and the generic kernel (eager outputs, gradients), and between each
kernel's compiled inference (``predict_on_batch``, what ``evaluate`` and ``predict`` run) and its
eager output. Then a synthetic task (is token 7 in the text?) is trained with each kernel, and
the accuracy on its training texts and on held-out texts is printed. Seconds on an H200.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax
import keras
import numpy as np

RNG = np.random.default_rng(0)


def lstm_model(cudnn: bool, sequences: bool, bidirectional: bool) -> keras.Model:
    layer = keras.layers.LSTM(12, return_sequences=sequences, use_cudnn=cudnn)
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    inputs = keras.Input((None, 16))
    return keras.Model(inputs, layer(inputs))


def eager_outputs_and_gradients(model: keras.Model, x: np.ndarray) -> list[np.ndarray]:
    trainable = [v.value for v in model.trainable_variables]
    others = [v.value for v in model.non_trainable_variables]

    def loss(weights):
        y, _ = model.stateless_call(weights, others, x)
        return jax.numpy.sum(y**2), y

    (_, y), gradients = jax.value_and_grad(loss, has_aux=True)(trainable)
    return [np.asarray(y), *map(np.asarray, gradients)]


def largest(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))


def compare_kernels() -> None:
    x = RNG.normal(size=(64, 200, 16)).astype("float32")
    for sequences in (False, True):
        for bidirectional in (False, True):
            generic = lstm_model(False, sequences, bidirectional)
            cudnn = lstm_model(True, sequences, bidirectional)
            cudnn.set_weights(generic.get_weights())
            kernels = largest(
                eager_outputs_and_gradients(generic, x), eager_outputs_and_gradients(cudnn, x)
            )
            compiled = {
                name: largest([np.asarray(model.predict_on_batch(x))], [np.asarray(model(x))])
                for name, model in (("generic", generic), ("cudnn", cudnn))
            }
            print(
                f"sequences={sequences} bidirectional={bidirectional}: cudnn vs generic "
                f"(eager, outputs and gradients) {kernels:.1e}; compiled vs eager: "
                f"generic {compiled['generic']:.1e}, cudnn {compiled['cudnn']:.1e}",
                flush=True,
            )


def token_seven_task(n: int = 6000, width: int = 96) -> tuple[np.ndarray, np.ndarray]:
    """Left-padded texts; the label says whether token 7 occurs."""
    tokens = RNG.integers(8, 500, size=(n, width))
    labels = RNG.integers(0, 2, size=n)
    for row, label in zip(tokens, labels, strict=True):
        row[: RNG.integers(0, width // 2)] = 0
        if label:
            row[RNG.integers(width // 2, width)] = 7
    return tokens, labels


def train_on_task() -> None:
    tokens, labels = token_seven_task()
    train, held_out = slice(0, 5000), slice(5000, None)
    for cudnn in (False, True):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((None,), dtype="int32")
        x = keras.layers.Embedding(500, 32)(inputs)
        x = keras.layers.LSTM(32, return_sequences=True, use_cudnn=cudnn)(x)
        x = keras.layers.GlobalMaxPooling1D()(x)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
        model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        model.fit(tokens[train], labels[train], epochs=3, batch_size=64, verbose=0)
        scores = [
            model.evaluate(tokens[part], labels[part], verbose=0)[1] for part in (train, held_out)
        ]
        print(
            f"use_cudnn={cudnn}: accuracy on training texts {scores[0]:.4f}, "
            f"held out {scores[1]:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    print(jax.devices(), "keras", keras.__version__, "jax", jax.__version__, flush=True)
    if jax.default_backend() != "gpu":
        raise SystemExit("no GPU: Keras uses the generic kernel only, there is nothing to compare")
    compare_kernels()
    train_on_task()
