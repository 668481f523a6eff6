#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 12: Muri-L with at most 2, 3 or 4 jobs per group (muri.packing_num) on
# trace1-4_pr (all jobs submitted at t=0), 8x8 GPUs, autopack off as the paper's runs, and AntMan.
# The grid is scripts/grids/muri_fig12.json; see --help for the options.
set -euo pipefail
MF_NAME=run_muri_fig12
MF_GRID=muri_fig12.json
MF_PLOT=muri_fig12
MF_USAGE="Fig. 12: Muri-L group size 2/3/4 and AntMan on trace1-4_pr (n8g8)."
MF_AUTOPACK=off
MF_QUICK_TRACES=trace3_pr
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_main "$@"
