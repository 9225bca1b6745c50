"""Write GloVe vectors times SCALE (the probe's input files; run from the project root):

    python benchmarks/results/cpu-2core/ab-2026-12-01/glove-scale/scale_vectors.py \
        ../shared/data/glove.6B.50d.imdb_vocab.txt.gz 0.2 /tmp/probe/glove_x0.2.txt.gz
"""

import gzip
import sys

source, scale, target = sys.argv[1], float(sys.argv[2]), sys.argv[3]
with gzip.open(source, "rt", encoding="utf-8") as vectors, gzip.open(target, "wt") as out:
    for line in vectors:
        word, *values = line.rstrip().split(" ")
        out.write(" ".join([word, *(f"{float(v) * scale:.5f}" for v in values)]) + "\n")
