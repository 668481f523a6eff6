#!/usr/bin/env bash
# Scale check of the balancing family: 10^7 tasks (Poisson arrivals at 90 % load, exponential
# service) on 1,000 one-slot workers under JSQ(2), timed with /usr/bin/time -v, and the same with
# 10^6 tasks to show that memory does not grow with the number of tasks. Targets: < 10 s on one
# core, the same peak RSS for both sizes. With --tasks-csv the runs also stream tasks.csv.
#
#   scripts/perf_balancing.sh [BUILD_DIR] [--tasks-csv] [--repeat R]
#
# On a shared machine wall time includes waiting for a core; CPU time (user + sys) is the cost
# of the run and events per CPU second the engine's speed (compare scripts/perf_100k.sh for the
# training family). With --repeat R each size runs R times and the medians are printed.
set -euo pipefail
build=build csv=() repeat=1
while (($#)); do
  case "$1" in
    --tasks-csv) csv=(--tasks-csv); shift ;;
    --repeat) repeat="${2:?--repeat needs a count}"; shift 2 ;;
    *) build="$1"; shift ;;
  esac
done
bin="$build/clustersim"
[[ -x "$bin" ]] || { echo "no $bin: build first (cmake --build $build)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
for tasks in 1000000 10000000; do
  : >"$work/rows"
  for ((r = 0; r < repeat; ++r)); do
    rm -rf "$work/out"
    /usr/bin/time -v "$bin" run --family balancing --policy jsq2 --set cluster.nodes=1000 \
      --set workload=poisson --set workload.load=0.9 --set service=exponential \
      --set workload.tasks="$tasks" --out "$work/out" -q "${csv[@]}" 2>"$work/time.txt"
    python3 - "$work/time.txt" "$work/out/summary.json" >>"$work/rows" <<'PY'
import json, sys
t = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
wall = 0.0
for part in t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
    wall = wall * 60 + float(part)
cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
s = json.load(open(sys.argv[2]))
print(wall, cpu, int(t["Maximum resident set size (kbytes)"]), s["run"]["events"],
      s["response_mean_s"])
PY
  done
  read -r wall cpu rss events resp < <(sort -n -k2 "$work/rows" | awk -v n="$repeat" 'NR == int((n + 1) / 2)')
  printf 'tasks=%d nodes=1000 policy=jsq2 wall=%.2fs cpu=%.2fs peak_rss=%d MiB events=%d ' \
    "$tasks" "$wall" "$cpu" $((rss / 1024)) "$events"
  printf 'events_per_cpu_s=%.3g response_mean_s=%.4f (JSQ(2) supermarket: 2.6141)\n' \
    "$(awk -v e="$events" -v c="$cpu" 'BEGIN { print e / c }')" "$resp"
  if ((tasks == 10000000)); then
    awk -v c="$cpu" 'BEGIN { exit !(c < 10) }' || status=1
    echo "target (< 10 s of one core for 10^7 tasks): $( ((status == 0)) && echo met || echo NOT met)"
  fi
done
exit $status
