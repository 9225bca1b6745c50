"""The tutorial's bidirectional LSTM as it prints it, on Keras 2 (tf_keras) or Keras 3, on the
same arrays, to tell Keras's part in ``--recipe seed-tutorial``'s bilstm figure from ours.

    python benchmarks/tutorial_bilstm.py export ARRAYS.npz [--data FILE]  # the project's venv
    python benchmarks/tutorial_bilstm.py train ARRAYS.npz --keras 2       # a venv with tf_keras
    python benchmarks/tutorial_bilstm.py train ARRAYS.npz --keras 3

``export`` encodes IMDB as the recipe does (5,000 words, 500 tokens, left-padded, the start of
long reviews cut) but keeps all 25,000 training reviews, as the tutorial trains on them all.
``train`` runs the tutorial's listing (seed 7, 3 epochs, batch 64, Adam) and prints one JSON
line: the Keras version, the per-epoch training history and the test accuracy.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

TOP_WORDS = 5000
MAX_REVIEW_LENGTH = 500


def export(out: str, data: str) -> None:
    from zoo.data.prepare import load_dataset
    from zoo.data.settings import DataSettings
    from zoo.data.text import Vectorizer

    dataset = load_dataset(DataSettings("imdb", data))
    vectorizer, tokens = Vectorizer.fit(dataset.train_texts, TOP_WORDS, MAX_REVIEW_LENGTH)
    np.savez_compressed(
        out,
        x_train=vectorizer.encode_tokens(tokens),
        y_train=np.asarray(dataset.train_labels),
        x_test=vectorizer.encode(dataset.test_texts),
        y_test=np.asarray(dataset.test_labels),
    )


def train(arrays: str, keras_major: int, seed: int, epochs: int) -> dict:
    import tensorflow as tf

    if keras_major == 2:
        import tf_keras as keras
    else:
        import keras
    data = np.load(arrays)
    tf.random.set_seed(seed)
    embedding = {"input_length": MAX_REVIEW_LENGTH} if keras_major == 2 else {}
    model = keras.Sequential(
        [
            keras.Input((MAX_REVIEW_LENGTH,), dtype="int32"),
            keras.layers.Embedding(TOP_WORDS, 32, **embedding),
            keras.layers.Bidirectional(keras.layers.LSTM(100, dropout=0.2, recurrent_dropout=0.2)),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(data["x_train"], data["y_train"], epochs=epochs, batch_size=64, verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)
    return {
        "keras": keras.__version__,
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "history": {k: [round(float(v), 4) for v in vs] for k, vs in history.history.items()},
        "test_accuracy": round(float(accuracy), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["export", "train"])
    parser.add_argument("arrays")
    parser.add_argument("--data", default="../shared/data/imdb_reviews.csv.gz")
    parser.add_argument("--keras", type=int, choices=[2, 3], default=3)
    parser.add_argument("--seed", type=int, default=7)  # the tutorial's tf.random.set_seed(7)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.step == "export":
        export(args.arrays, args.data)
    else:
        print(json.dumps(train(args.arrays, args.keras, args.seed, args.epochs)))


if __name__ == "__main__":
    main()
