#!/usr/bin/env bash
# The default experiment: sets up, builds clustersim (Release), replays the shipped 200-job
# trace on a 32-GPU cluster under five policies (scripts/grids/demo.json), prints their metrics
# table and writes results/demo/{summary.csv,demo.png}. See --help for the options.
set -euo pipefail
SW_NAME=demo
SW_ANCHOR=""
SW_ABOUT="The default experiment: demo_200 on n8g4 under fifo, fjf, sjf, srtf, srsf; a metrics
table and demo.png."
SW_QUICK_ABOUT="the same five runs (the demo is already small)"
SW_PLOT=""
SW_SETUP=1
source "$(dirname "${BASH_SOURCE[0]}")/lib/sweep_script.sh"
sw_init "$@"
sw_sweep "$CS_ROOT/scripts/grids/demo.json"
"$CS_PYTHON" "$CS_ROOT/plots/demo.py" "$SW_OUT/summary.csv" "$SW_OUT/demo.png"
