#!/usr/bin/env bash
# Goodput and tail latency vs SLO for clockwork, clipper and fifo, after Clockwork's Fig. 5
# (OSDI'20, 6.1): 15 copies of resnet50_v2 on one V100, 16 closed-loop clients per copy.
# The grid is scripts/grids/clockwork_slo.json; see --help for the options.
set -euo pipefail
CW_FIGURE=slo
CW_USAGE="Goodput and tail latency vs SLO: clockwork, clipper, fifo (Fig. 5 setup, 1 GPU)."
CW_QUICK_ABOUT="SLO 25, 100 and 500 ms, 5 s each instead of 60"
CW_QUICK=(--only slo_ms=25 --only slo_ms=100 --only slo_ms=500 --var duration=5)
source "$(dirname "${BASH_SOURCE[0]}")/lib/serving_figs.sh"
cw_main "$@"
