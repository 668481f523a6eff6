#!/usr/bin/env bash
# CS423 MP4, Group 09's report (research/loadbalancing.md section 2): 1024 jobs on a local and a
# remote node, state every 2 s, sender-initiated (MAX 100), receiver-initiated (MIN 50) and
# symmetric transfer policies. Calibrated from the report's timelines (`clustersim calibrate
# mp4`, passed to the sweep as --set): the local service time, the per-task transfer cost and
# the remote speed (from the sender run's total); the receiver and symmetric totals and every
# pending-queue timeline are predictions. Also writes <out>/timeline.csv.
# The grid is scripts/grids/mp4.json; see --help for the options.
set -euo pipefail
BL_FIGURE=mp4
BL_ANCHOR=mp4_g09
BL_ABOUT="MP4 totals (makespan_s vs the report's measured_s) and the local node's pending queue over time."
BL_QUICK_ABOUT=""
BL_QUICK=()
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing_figs.sh"
bl_main "$@"
