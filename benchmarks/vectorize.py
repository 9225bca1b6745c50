"""Time to vectorize all 50,000 IMDB reviews (target ≤ 10 s on one CPU core).

Fits the vocabulary on the 25,000 training reviews and encodes all 50,000, as ``zoo bench`` does
on a cache miss. Reading the CSV is timed apart.

    python benchmarks/vectorize.py --data ../shared/data/imdb_reviews.csv.gz
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from zoo.data.sources import read_table
from zoo.data.text import Vectorizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="imdb_reviews.csv.gz")
    parser.add_argument("--max-tokens", type=int, default=20000)
    parser.add_argument("--sequence-length", type=int, default=500)
    args = parser.parse_args()
    start = time.perf_counter()
    dataset = read_table(Path(args.data))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    vectorizer, train_tokens = Vectorizer.fit(
        dataset.train_texts, args.max_tokens, args.sequence_length
    )
    train = vectorizer.encode_tokens(train_tokens)
    test = vectorizer.encode(dataset.test_texts)
    vectorize_s = time.perf_counter() - start
    print(
        f"read CSV: {read_s:.2f} s; vectorized {len(train) + len(test):,} reviews "
        f"(vocabulary {vectorizer.vocab_size:,}, length {vectorizer.sequence_length}) "
        f"in {vectorize_s:.2f} s"
    )


if __name__ == "__main__":
    main()
