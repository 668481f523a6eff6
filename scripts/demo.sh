#!/usr/bin/env bash
# The default experiment: sets up, builds clustersim (Release), replays the shipped 200-job
# trace on a 32-GPU cluster under five policies, prints their metrics table and writes
# results/demo/{summary.csv,demo.png}.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
usage() { echo "usage: $0 [--out DIR] [--jobs N]"; }
out="$CS_ROOT/results/demo"
jobs="$CS_JOBS"
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
bash "$CS_ROOT/scripts/setup.sh"
cs_build clustersim
trace="$CS_ROOT/traces/demo_200.csv"
cluster="$CS_ROOT/cluster_specs/n8g4.json"
rm -rf "$out"
mkdir -p "$out"
: >"$out/manifest.tsv"
: >"$out/tags.tsv"
for policy in fifo fjf sjf srtf srsf; do
  printf '%s\t--cluster "%s" --trace "%s" --policy %s\n' "$out/$policy" "$cluster" "$trace" "$policy" >>"$out/manifest.tsv"
  printf 'figure=demo;trace=demo_200;cluster=n8g4;policy=%s\t%s\n' "$policy" "$out/$policy" >>"$out/tags.tsv"
done
cs_run_manifest "$out/manifest.tsv" "$jobs"
"$CS_PYTHON" "$CS_ROOT/scripts/lib/collect_summary.py" "$out/summary.csv" "$out/tags.tsv"
"$CS_PYTHON" "$CS_ROOT/plots/demo.py" "$out/summary.csv" "$out/demo.png"
