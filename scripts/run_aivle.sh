#!/usr/bin/env bash
# aiVLE's parallelisation experiment (research/loadbalancing.md section 1): 100 submissions on
# 1 node x c = 1, 2, 4, 8 slots and 2, 3 nodes x 8, dispatched by Celery's broker round robin
# with the default prefetch window (policy broker-rr) behind the single-vCPU master (frontend.*).
# The model is calibrated from the four single-node web logs only (`clustersim calibrate aivle`,
# see include/clustersim/balancing/aivle.hpp); the 2- and 3-node makespans are predictions.
# summary.csv: nodes,concurrency,makespan_s,measured_s,diff_pct,node_tasks,measured_node_tasks,
# calibrated. Plot: plots/aivle.py <out>/summary.csv
set -euo pipefail
BL_NAME=run_aivle
BL_ANCHOR=aivle
BL_USAGE="aiVLE makespans (ours vs the web logs) and the per-node split; --quick: 1x8 and 3x8."
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing.sh"
bl_init "$@"

"$CS_BIN" calibrate aivle --data "$BL_DATA" --json >"$BL_OUT/calibration.json"
mapfile -t fit < <("$CS_BIN" calibrate aivle --data "$BL_DATA")
sets=()
for kv in "${fit[@]}"; do sets+=(--set "$kv"); done
configs=("1 1" "1 2" "1 4" "1 8" "2 8" "3 8")
((BL_QUICK)) && configs=("1 8" "3 8")
for cfg in "${configs[@]}"; do
  read -r nodes slots <<<"$cfg"
  bl_add "nodes${nodes}_c${slots}" "nodes=$nodes;concurrency=$slots" --policy broker-rr \
    --set cluster.nodes="$nodes" --set cluster.slots="$slots" --set workload.tasks=100 "${sets[@]}"
done
bl_finish aivle "$BL_OUT/calibration.json"
