#!/usr/bin/env bash
# The benchmark runs behind benchmarks/README.md, on any machine, from the project root:
#   bash benchmarks/bench.sh PHASE OUT_DIR                 (CPU: OUT_DIR benchmarks/results/cpu-2core)
# On the GPU machine: bash ../shared/tools/device-prep.sh here once (wheels and data into .carry/),
#   then source .carry/env.sh && KERAS_BACKEND=torch bash benchmarks/bench.sh PHASE OUT_DIR
# PHASE: smoke (1 epoch on 2,000 reviews), readme (the README's main job, cnn1d and bilstm, on an
# empty cache so data preparation is timed too), defaults (the five at their defaults, 3 seeds),
# baselines (the four n-gram models, 3 seeds), seeds (the seed recipes), or NAME and any
# zoo bench arguments after 'bench'.
# ZOO_DATA: the IMDB file (default ../shared/data/imdb_reviews.csv.gz).
set -uo pipefail
phase=$1
out=$2
shift 2
mkdir -p "$out"
backend=${KERAS_BACKEND:-tensorflow}
data=${ZOO_DATA:-../shared/data/imdb_reviews.csv.gz}
data_args=()
[ -e "$data" ] && data_args=(--data "$data")  # else IMDB is found through ZOO_DATA_DIR
five=(lstm bilstm stacked_bilstm cnn1d cnn_lstm)
baselines=(bow_logreg tfidf_logreg nbsvm fasttext)

timed() {  # timed NAME ZOO-ARGS...: wall time of the whole command, data preparation included
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  zoo bench "$@" "${data_args[@]}" --quiet --format markdown --results "$out/$name.csv" \
    >"$out/$name.md" 2>"$out/$name.log"
  local code=$?
  end=$(date +%s.%N)
  awk -v n="$name" -v c="$code" -v s="$start" -v e="$end" -v a="zoo bench $*" \
    'BEGIN { printf "%s\texit %s\t%.1f s\t%s\n", n, c, e - s, a }' | tee -a "$out/walls.tsv"
}

case $phase in
  smoke) timed "smoke-$backend" "${five[@]}" --limit 2000 --epochs 1 ;;
  readme) ZOO_CACHE_DIR=$(mktemp -d) timed "readme-$backend" cnn1d bilstm ;;
  defaults) timed "defaults-$backend" "${five[@]}" --seeds 3 ;;
  baselines) timed "baselines-$backend" "${baselines[@]}" --seeds 3 ;;
  seeds)
    timed "seed-tutorial-$backend" lstm cnn_lstm bilstm --recipe seed-tutorial
    timed "seed-course-cnn1d-$backend" cnn1d --recipe seed-course
    ;;
  bench) timed "$1" "${@:2}" ;;
  *) echo "unknown phase '$phase'; use smoke, readme, defaults, baselines, seeds or bench NAME ARGS" >&2; exit 2 ;;
esac
