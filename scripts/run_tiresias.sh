#!/usr/bin/env bash
# Runs every Tiresias-simulator schedule on the artifact's 60-job trace, on 8 GPUs (n2g4) and 16
# GPUs (n4g4), with the default MLFQ thresholds (3250,7200) and, for the MLFQ schedules, also
# 300,1000 (where demotion/promotion actually happen), GPU-counting placement as the reference
# runs. Writes one run folder per configuration and <out>/summary.csv:
#   figure,trace,cluster,policy,thresholds,<summary.json metric keys...>,wall_s
# The original simulator's outputs for the same runs are in <data>/reference_runs/summary.csv.
#
# Usage: scripts/run_tiresias.sh [--data DIR] [--out DIR] [--jobs N] [--bin PATH]
#   --data  anchors/tiresias folder (default: ../shared/anchors/tiresias from the repo root)
#   --out   output folder (default: results/tiresias)
#   --jobs  parallel runs (default: 2)
#   --bin   clustersim binary (default: build/clustersim)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/../shared/anchors/tiresias"
out="$root/results/tiresias"
jobs=2
bin="$root/build/clustersim"
py=/usr/bin/python3

while (($#)); do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run_tiresias.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

trace="$data/60_job.csv"
for f in "$trace" "$data/reference_runs/n2g4.csv" "$data/reference_runs/n4g4.csv" "$data/yarn-gput1000.csv"; do
  if [[ ! -f "$f" ]]; then
    echo "run_tiresias.sh: missing $f" >&2
    echo "  --data must point at the Tiresias anchor folder (60_job.csv, yarn-gput1000.csv, reference_runs/)" >&2
    exit 2
  fi
done
if [[ ! -x "$bin" ]]; then
  echo "run_tiresias.sh: no clustersim binary at $bin (build first, or pass --bin)" >&2
  exit 2
fi
if ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then
  echo "run_tiresias.sh: --jobs must be a positive integer" >&2
  exit 2
fi
mkdir -p "$out/runs"

plain=(fifo fjf sjf srtf srsf)
mlfq=(dlas dlas-gpu dlas-gpu-05 dlas-gpu-1 dlas-gpu-2 dlas-gpu-4 dlas-gpu-8 dlas-gpu-10 dlas-gpu-100
  dlas-gpu-1000 dlas-gpu-gittins dlas-gpu-gittins-1 dlas-gpu-gittins-2 dlas-gpu-gittins-4
  dlas-gpu-gittins-8)

# One line per run: name cluster policy thresholds
list="$out/runs.txt"
: >"$list"
for cluster in n2g4 n4g4; do
  for p in "${plain[@]}"; do echo "${cluster}_default_$p $cluster $p default" >>"$list"; done
  for p in "${mlfq[@]}"; do
    echo "${cluster}_default_$p $cluster $p 3250,7200" >>"$list"
    echo "${cluster}_q300_1000_$p $cluster $p 300,1000" >>"$list"
  done
done

run_one() {
  local name=$1 cluster=$2 policy=$3 limits=$4
  local args=(run -q --cluster "$data/reference_runs/$cluster.csv" --trace "$trace" --policy "$policy"
    --out "$out/runs/$name")
  if [[ "$limits" != default ]]; then args+=(--set "tiresias.queue_limits=$limits"); fi
  if [[ "$policy" == dlas-gpu-gittins* ]]; then args+=(--set "tiresias.gittins_file=$data/yarn-gput1000.csv"); fi
  if ! "$bin" "${args[@]}" >"$out/runs/$name.log" 2>&1; then
    echo "run_tiresias.sh: run $name failed:" >&2
    cat "$out/runs/$name.log" >&2
    return 1
  fi
}
export -f run_one
export bin data trace out
xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ <"$list"

"$py" - "$out" "$list" "$data/reference_runs/summary.csv" <<'PY'
import csv, json, sys
out, listing = sys.argv[1], sys.argv[2]
rows = [l.split() for l in open(listing) if l.strip()]
metric_keys = None
with open(out + "/summary.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for name, cluster, policy, limits in rows:
        s = json.load(open(f"{out}/runs/{name}/summary.json"))
        keys = [k for k, v in s.items() if k != "run" and not isinstance(v, (dict, list))]
        if metric_keys is None:
            metric_keys = keys
            w.writerow(["figure", "trace", "cluster", "policy", "thresholds"] + metric_keys + ["wall_s"])
        w.writerow(["tiresias-sim-60job", "60_job.csv", cluster, policy, limits.replace(",", ";") if limits != "default" else ""]
                   + ["" if s.get(k) is None else s.get(k) for k in metric_keys] + [s["run"]["wall_s"]])

# Compare with the original simulator's runs (reference_runs/summary.csv) where one exists.
ref_path = sys.argv[3]
original = {"srtf": "shortest", "srsf": "shortest-gpu"}
ref = {}
for r in csv.DictReader(open(ref_path)):
    ref[(r["run_set"], r["schedule"])] = r
same = diff = 0
for name, cluster, policy, limits in rows:
    run_set = f"{cluster}_q300_1000" if limits == "300,1000" else f"{cluster}_default"
    r = ref.get((run_set, original.get(policy, policy)))
    if r is None:
        continue
    s = json.load(open(f"{out}/runs/{name}/summary.json"))
    ours = (round(s["jct_mean_s"], 2), int(s["makespan_s"]), int(s["preemptions"]))
    theirs = (float(r["avg_jct_s"]), int(r["makespan_s"]), int(r["total_preempts"]))
    if ours == theirs:
        same += 1
    else:
        diff += 1
        print(f"differs from the original: {name}: ours {ours}, original {theirs}")
print(f"{same} runs identical to the original simulator (avg JCT, makespan, preemptions), {diff} differ")
PY
echo "wrote $out/summary.csv ($(($(wc -l <"$list"))) runs)"
