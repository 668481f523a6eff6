#!/usr/bin/env bash
# The sweep runner's own cost per run: a grid of N trivial runs (one job on n8g4, seeds 1..N) run
# by `clustersim sweep run --jobs 1`, against the same N run.json files run back to back by
# `xargs -P 1 clustersim run --config FILE -q` (the bare runs plus xargs' fork/exec), and a
# second `sweep run` with every run complete (checking and merging only). Medians of --repeats,
# wall time and CPU time (user + sys, children included; less sensitive to other load).
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
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
: >"$work/sweep.t"; : >"$work/bare.t"; : >"$work/resume.t"
timed() {  # timed FILE COMMAND...: appends "wall cpu" (cpu = user + sys, children included)
  local out="$1"
  shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" 2>/dev/null
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$work/time" >>"$out"
}
for ((r = 1; r <= repeats; r++)); do
  rm -rf "$work/s"
  timed "$work/sweep.t" "$CS_BIN" sweep run "$work/grid.json" --out "$work/s" --jobs 1 -q
  timed "$work/resume.t" "$CS_BIN" sweep run "$work/grid.json" --out "$work/s" --jobs 1 -q
  find "$work/s/runs" -name run.json >"$work/configs"
  timed "$work/bare.t" xargs -a "$work/configs" -n 1 -P 1 "$CS_BIN" run -q --config
done
col() { cut -d' ' -f"$1" "$2" | cs_median; }
sw=$(col 1 "$work/sweep.t") sc=$(col 2 "$work/sweep.t")
bw=$(col 1 "$work/bare.t") bc=$(col 2 "$work/bare.t")
rw=$(col 1 "$work/resume.t")
per() { calc "1000 * ($1) / $runs"; }
echo "runs: $runs, repeats: $repeats, medians; per run in ms (wall / CPU = user + sys)"
echo "  sweep run --jobs 1:          $(per "$sw") / $(per "$sc")"
echo "  xargs -P 1 clustersim run:   $(per "$bw") / $(per "$bc")"
echo "  runner overhead:             $(per "$sw - $bw") / $(per "$sc - $bc")"
echo "  sweep run, all complete:     $(per "$rw") (wall)"
echo "  load average at the end:     $(cut -d' ' -f1-3 /proc/loadavg)"
