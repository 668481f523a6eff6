#!/usr/bin/env bash
# Runs every Tiresias-simulator schedule on the artifact's 60-job trace (the grid
# scripts/grids/tiresias.json: n2g4 and n4g4, default and 300,1000 MLFQ thresholds) and compares
# avg JCT, makespan and preemptions with the original simulator's runs
# (<data>/reference_runs/summary.csv). See --help for the options.
set -euo pipefail
SW_NAME=run_tiresias
SW_ANCHOR=tiresias
SW_ABOUT="Every Tiresias-simulator schedule on the 60-job trace, n2g4/n4g4, default and 300,1000
MLFQ thresholds, compared with the original simulator's outputs."
SW_QUICK_ABOUT="n2g4 only"
SW_PLOT=""
source "$(dirname "${BASH_SOURCE[0]}")/lib/sweep_script.sh"
sw_init "$@"
for f in 60_job.csv reference_runs/n2g4.csv reference_runs/n4g4.csv reference_runs/summary.csv \
  yarn-gput1000.csv; do
  if [[ ! -f "$SW_DATA/$f" ]]; then
    echo "$SW_NAME: missing $SW_DATA/$f" >&2
    echo "  --data must point at the Tiresias anchor folder (60_job.csv, yarn-gput1000.csv, reference_runs/)" >&2
    exit 2
  fi
done
args=()
((SW_QUICK)) && args+=(--only cluster=n2g4)
sw_sweep "$CS_ROOT/scripts/grids/tiresias.json" "${args[@]}"

"$CS_PYTHON" - "$SW_OUT/summary.csv" "$SW_DATA/reference_runs/summary.csv" <<'PY'
import csv, sys
ours_path, ref_path = sys.argv[1:]
original = {"srtf": "shortest", "srsf": "shortest-gpu"}
ref = {(r["run_set"], r["schedule"]): r for r in csv.DictReader(open(ref_path))}
same = diff = 0
for r in csv.DictReader(open(ours_path)):
    limits = r["tiresias.queue_limits"]
    run_set = f"{r['cluster']}_q300_1000" if limits == "300,1000" else f"{r['cluster']}_default"
    ref_row = ref.get((run_set, original.get(r["policy"], r["policy"])))
    if ref_row is None:
        continue
    ours = (round(float(r["jct_mean_s"]), 2), int(float(r["makespan_s"])), int(r["preemptions"]))
    theirs = (float(ref_row["avg_jct_s"]), int(ref_row["makespan_s"]), int(ref_row["total_preempts"]))
    if ours == theirs:
        same += 1
    else:
        diff += 1
        print(f"differs from the original: {r['run_dir']}: ours {ours}, original {theirs}")
print(f"{same} runs identical to the original simulator (avg JCT, makespan, preemptions), {diff} differ")
PY
