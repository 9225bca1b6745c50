"""One training step of a bidirectional LSTM under torch on a CPU: Keras's layer against zoo's.

    python benchmarks/torch_lstm_step.py                 # lengths 250, 500 and 1000
    python benchmarks/torch_lstm_step.py --lengths 1000 --repeats 3

Keras 3.15.1 stands in for cuDNN there with a loop that indexes the precomputed input
projections step by step; its backward pass then grows with the square of the length.
``zoo.layers.LSTM`` trains on Keras's generic kernel instead. Each configuration runs a forward
and a backward pass of a ``Bidirectional(LSTM(64, return_sequences=True))`` over 64 texts of
64-wide vectors, after one warm-up, and prints the median seconds of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ["KERAS_BACKEND"] = "torch"

import keras
import numpy as np
import torch

from zoo.layers import LSTM


def step_seconds(layer_class: type, length: int, repeats: int) -> tuple[float, float]:
    """Median seconds of the forward and of the backward pass over ``length`` steps."""
    rng = np.random.default_rng(0)
    inputs = torch.tensor(rng.normal(size=(64, length, 64)).astype("float32"))
    layer = keras.layers.Bidirectional(layer_class(64, return_sequences=True))
    layer(inputs[:, :4])
    forward, backward = [], []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        outputs = layer(inputs, training=True)
        middle = time.perf_counter()
        outputs.sum().backward()
        forward.append(middle - start)
        backward.append(time.perf_counter() - middle)
    return statistics.median(forward[1:]), statistics.median(backward[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="250,500,1000", help="comma-separated lengths")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, keras {keras.__version__}, {threads} threads")
    layers = {"keras.layers.LSTM": keras.layers.LSTM, "zoo.layers.LSTM": LSTM}
    for length in map(int, args.lengths.split(",")):
        for name, layer_class in layers.items():
            forward, backward = step_seconds(layer_class, length, args.repeats)
            print(f"length {length}\t{name}\tforward {forward:.2f} s\tbackward {backward:.2f} s")


if __name__ == "__main__":
    main()
