"""Write the small two-class files the training-length benchmarks use, derived from the shared
data (never committed: they are data).

    python benchmarks/small_files.py OUT_DIR [--data ../shared/data]

- ``imdb_short1k.tsv``: 500 positive and 500 negative IMDB reviews of at most 60 words, as
  ``text<TAB>label`` lines without a header (short, sentence-like texts);
- ``subj1k.tsv`` and ``subj8k.tsv``: 500 (4,000) sentences of each Subj class, as
  ``label<TAB>sentence`` lines.

Each is drawn with a fixed seed, so the same shared data give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    imdb = pd.read_csv(args.data / "imdb_reviews.csv.gz")
    short = imdb[imdb.text.str.split().str.len() <= 60]
    picked = pd.concat(
        [short[short.label == label].sample(500, random_state=1) for label in (1, 0)]
    ).sample(frac=1, random_state=2)
    picked["text"] = picked.text.str.replace("<br />", " ").str.replace("\t", " ")
    picked[["text", "label"]].to_csv(
        args.out / "imdb_short1k.tsv", sep="\t", header=False, index=False
    )
    subjective = _lines(args.data / "subj" / "quote.tok.gt9.5000")
    objective = _lines(args.data / "subj" / "plot.tok.gt9.5000")
    rng = np.random.default_rng(7)
    for name, per_class in (("subj1k.tsv", 500), ("subj8k.tsv", 4000)):
        chosen = rng.permutation(5000)[:per_class]
        rows = [("subjective", subjective[i]) for i in chosen]
        rows += [("objective", objective[i]) for i in chosen]
        with open(args.out / name, "w", encoding="utf-8") as handle:
            for index in rng.permutation(len(rows)):
                handle.write("\t".join(rows[index]) + "\n")


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="cp1252").splitlines()]


if __name__ == "__main__":
    main()
