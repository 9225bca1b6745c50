"""What padding costs: train and predict one model on the same reviews under two bucket growths.

    python benchmarks/bucket_time.py bilstm --data ../shared/data/imdb_reviews.csv.gz

Bucket widths grow by ``zoo.batching.WIDTH_GROWTH`` (√2 since 0.2.0, 2 before). This script
plans the same training and test reviews under each growth in turn, several rounds interleaved
so that a machine's drift hits both alike, after one warm-up round that traces every width.
It prints seconds per 1,000 reviews for a training pass and for inference, and the share of
padding in the batches.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np

from zoo import batching
from zoo.config import ExperimentConfig
from zoo.data.prepare import prepare_data


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
    args = parser.parse_args()

    import zoo
    from zoo.trainer import compile_model, input_spec_for

    config = ExperimentConfig(data={"path": args.data})
    data = prepare_data(config.data_settings())
    spec = zoo.get_spec(args.model)
    settings = dataclasses.replace(
        config.train_settings(spec.name, spec.train_defaults), schedule="constant"
    )
    model = zoo.build_model(args.model, input_spec_for(data, settings))
    compile_model(model, settings, data.num_classes)
    x_train, y_train = data.x_train[: args.reviews], data.y_train[: args.reviews]
    x_test = data.x_test[: args.reviews]
    growths = [float(g) for g in args.growths.split(",")]
    seconds = {growth: {"train": [], "predict": []} for growth in growths}
    for round_ in range(args.rounds + 1):  # round 0 traces every width and is not counted
        for growth in growths:
            train = timed_pass(model, x_train, y_train, growth, round_)
            predict = timed_pass(model, x_test, None, growth, round_)
            if round_:
                seconds[growth]["train"].append(train)
                seconds[growth]["predict"].append(predict)
    for growth in growths:
        train = statistics.median(seconds[growth]["train"]) * 1000 / args.reviews
        predict = statistics.median(seconds[growth]["predict"]) * 1000 / args.reviews
        print(
            f"{args.model}\tgrowth {growth:.3f}\tpadding {padding_share(x_train, growth):.1%}\t"
            f"train {train:.2f} s/1k reviews\tpredict {predict:.2f} s/1k reviews\t"
            f"(median of {args.rounds})"
        )


if __name__ == "__main__":
    main()
