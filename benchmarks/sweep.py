"""The sweep behind the defaults: named variants of `zoo bench`, one results CSV per sweep.

    python benchmarks/sweep.py LIST                       # the variants
    python benchmarks/sweep.py VARIANT [VARIANT ...] --data ../shared/data/imdb_reviews.csv.gz

Each variant is one `zoo bench` command on full IMDB; its rows (with the exact command, versions
and every setting) go to benchmarks/results/cpu-2core/sweep.csv unless --results says otherwise.
Wall time per variant is appended to the same folder's sweep-walls.tsv.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "cpu-2core"

WIDE_CNN = ["--set", "filters=256", "--set", "dense_units=128", "--set", "spatial_dropout=0.2"]
LONG = ["--sequence-length", "1000", "--max-tokens", "30000"]
COSINE3 = ["--schedule", "cosine", "--epochs", "3", "--patience", "0"]
BILSTM_DROP = ["--set", "spatial_dropout=0.3", "--set", "dropout=0.5"]

VARIANTS: dict[str, list[str]] = {
    # the levers of issue 12, from the 0.1 defaults (vocabulary 20,000, length 500, batch 64,
    # Adam 1e-3, up to 10 epochs, patience 2)
    "cnn1d-fixed500": ["cnn1d", "--no-bucketing"],
    "cnn1d-bucketed": ["cnn1d"],
    "cnn1d-wide": ["cnn1d", *WIDE_CNN],
    "cnn1d-wide-long": ["cnn1d", *WIDE_CNN, *LONG],
    "cnn1d-wide-long-cosine3": ["cnn1d", *WIDE_CNN, *LONG, *COSINE3],
    "cnn1d-course-bucketed": [
        "cnn1d",
        "--recipe",
        "seed-course",
        "--bucketing",
        "--sequence-length",
        "1000",
    ],
    "cnn1d-course-bucketed-30k": [
        "cnn1d",
        "--recipe",
        "seed-course",
        "--bucketing",
        "--sequence-length",
        "1000",
        "--max-tokens",
        "30000",
    ],
    "bilstm-last": ["bilstm", "--set", "pooling=last", "--set", "spatial_dropout=0"],
    "bilstm-meanmax": ["bilstm"],
    "bilstm-long-drop": ["bilstm", *LONG, *BILSTM_DROP],
    "bilstm-long-drop-cosine3": ["bilstm", *LONG, *BILSTM_DROP, *COSINE3],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="variant names, or LIST")
    parser.add_argument("--data", default="../shared/data/imdb_reviews.csv.gz")
    parser.add_argument("--results", type=Path, default=RESULTS / "sweep.csv")
    parser.add_argument("--seeds", default="1")
    args, extra = parser.parse_known_args()
    if args.variants == ["LIST"]:
        for name, variant in VARIANTS.items():
            print(f"{name}\tzoo bench {shlex.join(variant)}")
        return
    unknown = [name for name in args.variants if name not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s) {', '.join(unknown)}; run with LIST")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    for name in args.variants:
        command = ["zoo", "bench", *VARIANTS[name], "--data", args.data, "--seeds", args.seeds]
        command += ["--results", str(args.results), "--quiet", "--format", "csv", *extra]
        start = time.perf_counter()
        code = subprocess.run(command).returncode
        wall = time.perf_counter() - start
        with open(args.results.with_name("sweep-walls.tsv"), "a", encoding="utf-8") as out:
            out.write(f"{name}\texit {code}\t{wall:.1f} s\t{shlex.join(command)}\n")


if __name__ == "__main__":
    main()
