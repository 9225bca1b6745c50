"""Train a study's pruned trials to the end, on the train and validation splits only: would a
trial that pruning stopped have beaten the study's best?

    python benchmarks/unpruned.py ZOO_TUNED_TOML ARCH [--storage URL] [--study NAME]

The data settings come from the ``[data]`` table of the ``zoo-tuned.toml`` that ``zoo tune``
wrote; the study from its comment line for ARCH (or ``--storage`` and ``--study``). Each pruned
trial is trained again with its own settings and seed, without the pruning bars; the script
prints, per trial, the epoch it was pruned at, its validation accuracy then, and the best it
reaches when left to run. The test split is never read.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import optuna

from zoo.config import ExperimentConfig, load_config
from zoo.experiment import Experiment
from zoo.registry import get_registry
from zoo.train.run import execute
from zoo.tune.space import search_space

STUDY_LINE = re.compile(r"^# (?P<arch>\S+): study (?P<study>\S+) in (?P<storage>\S+),")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tuned", type=Path)
    parser.add_argument("architecture")
    parser.add_argument("--storage")
    parser.add_argument("--study")
    args = parser.parse_args()
    storage, name = args.storage, args.study
    for line in args.tuned.read_text().splitlines():
        found = STUDY_LINE.match(line)
        if found and found["arch"] == args.architecture:
            storage, name = storage or found["storage"], name or found["study"]
    if not (storage and name):
        parser.error(f"{args.tuned} names no study of {args.architecture}; give --storage, --study")
    study = optuna.load_study(study_name=name, storage=storage)
    base = ExperimentConfig(data=load_config(args.tuned).data)
    spec = get_registry().architecture(args.architecture)
    data, (run,) = Experiment.from_config(base, [spec]).prepare(print, summary=False)
    space = search_space(spec, base, run.train, len(data.x_train))
    searched = data.without_test()
    best = study.best_value
    print(f"{name}: best {best:.2%} (trial {study.best_trial.number})")
    columns = ("pruned at epoch", "validation then", "best left to run", "at epoch / epochs run")
    print("\t".join(("trial", *columns, "beats the best")))
    for trial in study.trials:
        if trial.state != optuna.trial.TrialState.PRUNED:
            continue
        config = base.merged(space.settings_of(trial.params))
        (planned,) = Experiment.from_config(config, [spec]).plan_runs(searched, print)
        outcome = execute(planned, searched, verbose=0)
        if outcome.error is not None:
            print(f"{trial.number}\terror: {outcome.error}")
            continue
        curve = outcome.result.history["val_accuracy"]
        reached = max(curve)
        steps = trial.intermediate_values
        print(
            f"{trial.number}\t{max(steps) + 1}\t{max(steps.values()):.2%}\t{reached:.2%}\t"
            f"{curve.index(reached) + 1}/{len(curve)}\t{'yes' if reached > best else 'no'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
