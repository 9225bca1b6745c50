"""How long TensorFlow takes to delete a tf.data iterator, with autotuning on and off.

TensorFlow 2.21 finishes deleting an autotuned iterator only when the iterator's tuning thread
next wakes up, and the thread sleeps in periods that double from 10 ms up to 60 s, so deleting
an iterator that has run for a minute can take most of another. Keras deletes one at the end of
every epoch, evaluate and predict, which is why zoo.train.inputs turns autotuning off. This script
iterates a plain generator dataset for a while and times the deletion, from the project root:

    python benchmarks/iterator_stall.py [--seconds 45 70] [--repeats 1]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf


def deletion_seconds(iterate_seconds: float, autotune: bool) -> float:
    """Seconds ``del`` of an iterator takes after iterating it for ``iterate_seconds``."""

    def batches():
        while True:
            yield np.zeros((64, 100), np.int32)

    dataset = tf.data.Dataset.from_generator(
        batches, output_signature=tf.TensorSpec((None, None), tf.int32)
    )
    options = tf.data.Options()
    options.autotune.enabled = autotune
    iterator = iter(dataset.with_options(options))
    start = time.perf_counter()
    while time.perf_counter() - start < iterate_seconds:
        next(iterator)
    start = time.perf_counter()
    del iterator
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[45.0, 70.0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(f"tensorflow {tf.__version__}\niterated_s\tautotune\tdelete_s", flush=True)
    for _ in range(args.repeats):
        for seconds in args.seconds:
            for autotune in (True, False):
                stall = deletion_seconds(seconds, autotune)
                print(f"{seconds:.0f}\t{'on' if autotune else 'off'}\t{stall:.2f}", flush=True)


if __name__ == "__main__":
    main()
