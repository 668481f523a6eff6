#!/usr/bin/env bash
# aiVLE's parallelisation experiment (research/loadbalancing.md section 1): 100 submissions on
# 1 node x c = 1, 2, 4, 8 slots and 2, 3 nodes x 8, Celery's broker round robin behind the
# single-vCPU master. Calibrated from the four single-node web logs (`clustersim calibrate
# aivle`, passed to the sweep as --set); the 2- and 3-node makespans are predictions.
# The grid is scripts/grids/aivle.json; see --help for the options.
set -euo pipefail
BL_FIGURE=aivle
BL_ANCHOR=aivle
BL_ABOUT="aiVLE makespans (makespan_release_s vs the web logs' measured_s) and the per-node split."
BL_QUICK_ABOUT="1x8 and 3x8"
BL_QUICK=(--only concurrency=8 --only nodes=1 --only nodes=3)
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing_figs.sh"
bl_main "$@"
