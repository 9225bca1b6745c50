#!/usr/bin/env bash
# Defaults against tuned on one dataset, as benchmarks/README.md records them, from the project
# root:
#   bash benchmarks/tune.sh OUT_DIR TRIALS "MODELS" DATA_OPTIONS...
# e.g. bash benchmarks/tune.sh benchmarks/results/cpu-2core-amd-epyc/tuned-subj 12 \
#        "cnn1d nbsvm" --data ../shared/data/subj --encoding cp1252
# Into OUT_DIR/results.csv: the defaults with 3 seeds (zoo bench), then each architecture's
# study of TRIALS trials and its best settings with 3 seeds (zoo tune, studies in
# OUT_DIR/zoo-tune.db, best settings in OUT_DIR/zoo-tuned.toml); then zoo report (McNemar tests
# between defaults and tuned, expected best validation accuracy by trials) into OUT_DIR/report.
# Each command's stderr goes to OUT_DIR/NAME.log, its table to NAME.md, its wall to walls.tsv
# (NAME: defaults-, tuned- or report- and the models); several calls share OUT_DIR's files.
set -uo pipefail
out=$1
trials=$2
read -r -a models <<<"$3"
shift 3
mkdir -p "$out"

timed() {  # timed NAME COMMAND...: the wall time of the whole command
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$@" >"$out/$name.md" 2>"$out/$name.log"
  local code=$?
  end=$(date +%s.%N)
  awk -v n="$name" -v c="$code" -v s="$start" -v e="$end" -v a="$*" \
    'BEGIN { printf "%s\texit %s\t%.1f s\t%s\n", n, c, e - s, a }' | tee -a "$out/walls.tsv"
}

name=$(IFS=+; echo "${models[*]}")
timed "defaults-$name" zoo bench "${models[@]}" "$@" --seeds 3 --quiet --format markdown \
  --resume --results "$out/results.csv"
timed "tuned-$name" zoo tune "${models[@]}" "$@" --trials "$trials" --seeds 3 --quiet \
  --format markdown --results "$out/results.csv"
timed "report-$name" zoo report "$out/results.csv" --out "$out/report"
