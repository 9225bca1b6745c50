#!/usr/bin/env bash
# The GPU benchmark runs behind benchmarks/README.md. On the GPU machine, from the project root:
#   bash ../shared/tools/device-prep.sh            (here, once: wheels and data into .carry/)
#   source .carry/env.sh && KERAS_BACKEND=torch bash benchmarks/gpu.sh PHASE OUT_DIR
# PHASE: smoke (1 epoch on 2,000 reviews), defaults (the five at their defaults, one seed),
# seeds (the seed recipes of the peer table), or any zoo bench arguments after 'bench'.
set -uo pipefail
phase=$1
out=$2
shift 2
mkdir -p "$out"
backend=${KERAS_BACKEND:-torch}
five=(lstm bilstm stacked_bilstm cnn1d cnn_lstm)

timed() {  # timed NAME ZOO-ARGS...: wall time of the whole command, data preparation included
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  zoo bench "$@" --quiet --format markdown --results "$out/$name.csv" >"$out/$name.md" \
    2>"$out/$name.log"
  local code=$?
  end=$(date +%s.%N)
  awk -v n="$name" -v c="$code" -v s="$start" -v e="$end" -v a="zoo bench $*" \
    'BEGIN { printf "%s\texit %s\t%.1f s\t%s\n", n, c, e - s, a }' | tee -a "$out/walls.tsv"
}

case $phase in
  smoke) timed "smoke-$backend" "${five[@]}" --limit 2000 --epochs 1 ;;
  defaults) timed "defaults-$backend" "${five[@]}" ;;
  seeds)
    timed "seed-tutorial-$backend" lstm cnn_lstm bilstm --recipe seed-tutorial
    timed "seed-course-cnn1d-$backend" cnn1d --recipe seed-course
    ;;
  bench) timed "$1" "${@:2}" ;;
  *) echo "unknown phase '$phase'; use smoke, defaults, seeds or bench NAME ARGS" >&2; exit 2 ;;
esac
