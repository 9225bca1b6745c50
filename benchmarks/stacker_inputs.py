"""What the stacked ensemble is fitted on: the members' probabilities (as ``zoo ensemble``
does), their log-probabilities, or their log-odds, and whether more fitting steps help.

    python benchmarks/stacker_inputs.py RESULTS_CSV [--min-train N]

For each set of members ``zoo ensemble`` would choose in RESULTS_CSV (data with at least N
training texts; default 0), each variant's held-out validation accuracy (the figure a choice
between them may use) and its test accuracy, mean over the seeds every member ran.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from zoo.bench.results import read_results
from zoo.bench.runlog import read_log
from zoo.ensemble import combine
from zoo.ensemble.runs import member_sets

Transform = Callable[[np.ndarray], np.ndarray]


def _log(p: np.ndarray) -> np.ndarray:
    return np.log(np.clip(p, combine.EPSILON, 1.0))


VARIANTS: dict[str, tuple[Transform, int]] = {
    "probabilities (zoo ensemble)": (lambda p: p, combine.STACKER_STEPS),
    "probabilities, 10x the steps": (lambda p: p, 10 * combine.STACKER_STEPS),
    "log-probabilities": (_log, combine.STACKER_STEPS),
    "log-odds / 10": (lambda p: (_log(p) - _log(1.0 - p)) / 10, combine.STACKER_STEPS),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--min-train", type=int, default=0)
    args = parser.parse_args()
    for members in member_sets(read_results(args.results), None):
        first = next(iter(members[0].rows.values()))
        if (first.train_size or 0) < args.min_train:
            continue
        seeds = sorted(set.intersection(*(set(member.rows) for member in members)))
        logs = {s: [read_log(args.results, m.rows[s]) for m in members] for s in seeds}
        names = " + ".join(member.model for member in members)
        print(f"{first.dataset}: {names} ({len(seeds)} seeds)")
        for name, (transform, steps) in VARIANTS.items():
            held, test = _scores(logs, transform, steps)
            print(f"  {name:30s} held-out val {held:.2f} %   test {test:.2f} %")


def _scores(logs: dict, transform: Transform, steps: int) -> tuple[float, float]:
    default_steps, combine.STACKER_STEPS = combine.STACKER_STEPS, steps
    try:
        held, test = [], []
        for seed_logs in logs.values():
            val = [transform(combine.as_classes(log.val_probabilities)) for log in seed_logs]
            out = [transform(combine.as_classes(log.probabilities)) for log in seed_logs]
            labels = seed_logs[0].val_labels
            held.append(np.mean(combine.held_out("stacked", val, labels).argmax(1) == labels))
            fitted = combine.fit("stacked", val, labels).apply(out)
            test.append(np.mean(fitted.argmax(1) == seed_logs[0].labels))
    finally:
        combine.STACKER_STEPS = default_steps
    return 100 * float(np.mean(held)), 100 * float(np.mean(test))


if __name__ == "__main__":
    main()
