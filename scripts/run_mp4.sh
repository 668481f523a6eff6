#!/usr/bin/env bash
# CS423 MP4, Group 09's report (research/loadbalancing.md section 2): 1024 jobs on a local and a
# remote node, state every 2 s, sender-initiated (MAX 100), receiver-initiated (MIN 50) and
# symmetric transfer policies. Calibrated from the report's timelines (`clustersim calibrate
# mp4`, include/clustersim/balancing/mp4.hpp): the local service time, the per-task transfer
# cost and the remote speed (from the sender run's total); the receiver and symmetric totals and
# all pending-queue timelines are predictions.
# summary.csv: policy,total_s,measured_s,diff_pct,transfers,measured_transfers,received,
# measured_received,calibrated; timeline.csv: policy,t_s,ours,report.
# Plot: plots/mp4.py <out>/summary.csv
set -euo pipefail
BL_NAME=run_mp4
BL_ANCHOR=mp4_g09
BL_USAGE="MP4 totals and the local node's pending queue over time (--quick: the same 3 runs)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing.sh"
bl_init "$@"

"$CS_BIN" calibrate mp4 --data "$BL_DATA" --json >"$BL_OUT/calibration.json"
for policy in sender receiver symmetric; do
  mapfile -t fit < <("$CS_BIN" calibrate mp4 --data "$BL_DATA" --migration "$policy")
  sets=()
  for kv in "${fit[@]}"; do sets+=(--set "$kv"); done
  bl_add "$policy" "policy=$policy" --policy origin "${sets[@]}" --set series.period_s=2 \
    --series-csv
done
bl_finish mp4 "$BL_DATA/pending_jobs_timeline.csv"
