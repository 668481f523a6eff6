#!/usr/bin/env bash
# Scale check: a generated 100,000-job trace on a 1,024-GPU cluster (4 switches x 32 nodes x 8
# GPUs) under one policy, timed with /usr/bin/time -v. Targets: < 10 s wall, < 1 GiB peak RSS.
#
#   scripts/perf_100k.sh [POLICY] [BUILD_DIR]     (defaults: fifo, build)
#
# The trace starts from `--preset demo` (table-free; durations log-uniform 10 min-17 h with a 5%
# tail to ~7 days) with 1-64 GPU jobs and a mean inter-arrival of 60 s, which offers about the
# cluster's capacity, so the pending queue grows to thousands of jobs at times.
set -euo pipefail
policy="${1:-fifo}"
build="${2:-build}"
bin="$build/clustersim"
[[ -x "$bin" ]] || { echo "no $bin: build first (cmake --build $build)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf 'num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n4,32,8,64,256\n' \
  > "$work/n128g8_4sw.csv"
"$bin" trace generate --preset demo --jobs 100000 --mean-interarrival 60 --max-gpus 64 \
  --gpus 1:0.6,2:0.15,4:0.15,8:0.08,16:0.015,32:0.004,64:0.001 --seed 1 \
  --out "$work/trace_100k.csv" >/dev/null
"$bin" trace inspect "$work/trace_100k.csv" --max-gpus 1024 | sed -n '3,8p'

/usr/bin/time -v "$bin" run --cluster "$work/n128g8_4sw.csv" --trace "$work/trace_100k.csv" \
  --policy "$policy" --out "$work/out" 2> "$work/time.txt"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$work/time.txt")
events=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run']['events'])" "$work/out/summary.json" 2>/dev/null || echo "?")
# On a shared machine wall time includes waiting for a core; CPU time is the cost of the run.
echo "policy=$policy jobs=100000 gpus=1024 wall=$wall cpu=${cpu}s peak_rss=$((rss_kb / 1024)) MiB events=$events"
awk -F': ' -v kb="$rss_kb" '/Elapsed \(wall clock\)/ {
  n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i];
  ok = (s < 10 && kb < 1048576);
  printf "targets (< 10 s, < 1 GiB): %s\n", ok ? "met" : "NOT met";
  exit ok ? 0 : 1 }' "$work/time.txt"
