#!/usr/bin/env bash
# Regenerates the shipped throughputs/ tables from the catalogues (throughputs/catalog) and, when
# the ElasticFlow anchors are present, refits throughputs/fitted/*/params.json to the artifact's
# measured tables first. tests/training/throughput_model_test.cpp ("[shipped]") checks that the shipped
# files equal this script's output.
# Usage: scripts/regen_throughputs.sh [path/to/clustersim] [anchors dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/clustersim}
ANCHORS=${2:-${CLUSTERSIM_ANCHORS:-../shared/anchors}}
EF=$ANCHORS/elasticflow/ElasticFlow/scheduler

for gpu in A100 T4 V100 H100; do
  "$BIN" profile generate --gpu "$gpu" --out throughputs/analytic
done

if [[ -d $EF/throughputs_A100 && -d $EF/throughputs_T4 ]]; then
  # Fit in a scratch folder: fit_report.csv repeats the measured numbers, and anchor data is
  # never copied into the repository. Only the fitted parameters are kept.
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  for gpu in A100 T4; do
    "$BIN" profile fit --table "$EF/throughputs_$gpu" --gpu "$gpu" --out "$TMP/$gpu/params.json"
    mkdir -p "throughputs/fitted/$gpu"
    sed "s|\"table\": \".*throughputs_$gpu\"|\"table\": \"<anchors>/elasticflow/ElasticFlow/scheduler/throughputs_$gpu\"|" \
      "$TMP/$gpu/params.json" > "throughputs/fitted/$gpu/params.json"
  done
else
  echo "ElasticFlow anchors not found under $ANCHORS: keeping the fitted parameters" >&2
fi
"$BIN" profile generate --params throughputs/fitted/A100/params.json --out throughputs/fitted/A100
"$BIN" profile generate --params throughputs/fitted/T4/params.json \
  --batches 64,320,384,640,2048,3200,4096,6400,32768 --out throughputs/fitted/T4
