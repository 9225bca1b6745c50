"""What a training pass and inference cost: one model, the same reviews, several configurations.

    python benchmarks/pass_time.py bilstm --data ../shared/data/imdb_reviews.csv.gz
    python benchmarks/pass_time.py cnn1d --growths 1.41421356 --precisions float32,mixed_bfloat16
    python benchmarks/pass_time.py bilstm --growths 1.41421356 --hparams ';embedding_dim=32'

A configuration is a bucket growth (bucket widths grow by ``zoo.train.buckets.WIDTH_GROWTH``: √2
since 0.2.0, 2 before), a precision and a set of hyperparameters (a model is built per precision
and set; the empty set is the model's defaults). This script plans the
same training and test reviews under each configuration in turn, several rounds interleaved so
that a machine's drift hits all alike, after one warm-up round that traces every width. It
prints seconds per 1,000 reviews for a training pass and for inference, and the share of padding
in the batches. ``ONEDNN_MAX_CPU_ISA`` (e.g. ``AVX2``) makes oneDNN behave as on an older CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import statistics
import time

import numpy as np

from zoo.config import ExperimentConfig
from zoo.data.prepare import prepare_data
from zoo.train import buckets as batching


def timed_pass(model, x: np.ndarray, y: np.ndarray | None, growth: float, seed: int) -> float:
    """Seconds for one pass over ``x`` in batches planned with widths growing by ``growth``."""
    batching.WIDTH_GROWTH = growth
    plan = batching.plan_batches(x, 64 if y is not None else 256, np.random.default_rng(seed))
    start = time.perf_counter()
    for batch in plan:
        tokens = batch.cut(x)
        if y is None:
            model.predict_on_batch(tokens)
        else:
            model.train_on_batch(tokens, y[batch.rows])
    return time.perf_counter() - start


def padding_share(x: np.ndarray, growth: float) -> float:
    batching.WIDTH_GROWTH = growth
    plan = batching.plan_batches(x, 64)
    cells = sum(len(batch.rows) * batch.width for batch in plan)
    return 1 - batching.token_counts(x).sum() / cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a registered architecture that takes any length")
    parser.add_argument("--data", default="../shared/data/imdb_reviews.csv.gz")
    parser.add_argument("--reviews", type=int, default=3200, help="training and test reviews")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--growths", default="2,1.41421356", help="comma-separated growths")
    parser.add_argument("--precisions", default="float32", help="comma-separated precisions")
    parser.add_argument(
        "--hparams",
        default="",
        help="';'-separated hyperparameter sets, each 'key=value,...' ('' is the defaults)",
    )
    args = parser.parse_args()

    import keras

    import zoo
    from zoo.train.trainer import compile_model, input_spec_for

    config = ExperimentConfig(data={"path": args.data})
    data = prepare_data(config.data_settings())
    spec = zoo.get_spec(args.model)
    settings = dataclasses.replace(
        config.train_settings(spec.name, spec.train_defaults), schedule="constant"
    )
    models = {}
    for precision, hparams in itertools.product(
        args.precisions.split(","), args.hparams.split(";")
    ):
        keras.mixed_precision.set_global_policy(precision)
        chosen = dict(item.split("=", 1) for item in hparams.split(",") if item)
        model = zoo.build_model(args.model, input_spec_for(data, settings), **chosen)
        compile_model(model, settings, data.num_classes)
        models[f"{precision}\t{hparams or '(defaults)'}"] = model
    x_train, y_train = data.x_train[: args.reviews], data.y_train[: args.reviews]
    x_test = data.x_test[: args.reviews]
    growths = [float(g) for g in args.growths.split(",")]
    configurations = list(itertools.product(growths, models))
    seconds = {configuration: {"train": [], "predict": []} for configuration in configurations}
    for round_ in range(args.rounds + 1):  # round 0 traces every width and is not counted
        for growth, label in configurations:
            model = models[label]
            train = timed_pass(model, x_train, y_train, growth, round_)
            predict = timed_pass(model, x_test, None, growth, round_)
            if round_:
                seconds[growth, label]["train"].append(train)
                seconds[growth, label]["predict"].append(predict)
    for growth, label in configurations:
        times = seconds[growth, label]
        train = statistics.median(times["train"]) * 1000 / args.reviews
        predict = statistics.median(times["predict"]) * 1000 / args.reviews
        print(
            f"{args.model}\tgrowth {growth:.3f}\t{label}\t"
            f"padding {padding_share(x_train, growth):.1%}\t"
            f"train {train:.2f} s/1k reviews\tpredict {predict:.2f} s/1k reviews\t"
            f"(median of {args.rounds})"
        )


if __name__ == "__main__":
    main()
