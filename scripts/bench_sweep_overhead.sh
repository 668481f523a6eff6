#!/usr/bin/env bash
# The sweep runner's own cost per run: a grid of N trivial runs (one job on n8g4, seeds 1..N) run
# by `clustersim sweep run --jobs 1`, against the same N run.json files run back to back by
# `xargs -P 1 clustersim run --config FILE -q` (the bare runs plus xargs' fork/exec), and a
# second `sweep run` with every run complete (checking and merging only). Medians of --repeats.
#
#   scripts/bench_sweep_overhead.sh [--binary PATH] [--runs N] [--repeats R]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
runs=1000 repeats=5
while (($#)); do
  case "$1" in
    --binary) CS_BIN="${2:?--binary needs a path}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --repeats) repeats="${2:?--repeats needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) cs_die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -x "$CS_BIN" ]] || cs_build clustersim >&2
work="$(mktemp -d /tmp/clustersim-overhead.XXXXXX)"
trap 'rm -rf "$work"' EXIT
head -n 2 "$CS_ROOT/traces/demo_200.csv" >"$work/one_job.csv"
cat >"$work/grid.json" <<EOF
{
  "base": {"cluster": "$CS_ROOT/cluster_specs/n8g4.json", "trace": "$work/one_job.csv",
           "policy": "fifo"},
  "axes": [{"seed": {"range": [1, $runs]}}]
}
EOF
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$work/sweep.t"; : >"$work/bare.t"; : >"$work/resume.t"
for ((r = 1; r <= repeats; r++)); do
  rm -rf "$work/s"
  t0=$(now); "$CS_BIN" sweep run "$work/grid.json" --out "$work/s" --jobs 1 -q 2>/dev/null; t1=$(now)
  echo "$(calc "$t1 - $t0")" >>"$work/sweep.t"
  t0=$(now); "$CS_BIN" sweep run "$work/grid.json" --out "$work/s" --jobs 1 -q 2>/dev/null; t1=$(now)
  echo "$(calc "$t1 - $t0")" >>"$work/resume.t"
  find "$work/s/runs" -name run.json >"$work/configs"
  t0=$(now); xargs -a "$work/configs" -n 1 -P 1 "$CS_BIN" run -q --config; t1=$(now)
  echo "$(calc "$t1 - $t0")" >>"$work/bare.t"
done
s=$(median <"$work/sweep.t") b=$(median <"$work/bare.t") c=$(median <"$work/resume.t")
echo "runs: $runs, repeats: $repeats (wall seconds, medians)"
echo "  sweep run --jobs 1:            $s s  = $(calc "1000 * $s / $runs") ms/run"
echo "  xargs -P 1 clustersim run:     $b s  = $(calc "1000 * $b / $runs") ms/run"
echo "  runner overhead:               $(calc "1000 * ($s - $b) / $runs") ms/run"
echo "  sweep run, all complete:       $c s  = $(calc "1000 * $c / $runs") ms/run"
