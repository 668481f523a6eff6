#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 11: Muri-L ablations on trace1-4 (8x8 GPUs, autopack off as the paper's
# runs): Muri-L, worst ordering (muri-l-worstordering), without Blossom (muri-l-noblossom).
# The grid is scripts/grids/muri_fig11.json; see --help for the options.
set -euo pipefail
MF_NAME=run_muri_fig11
MF_GRID=muri_fig11.json
MF_PLOT=muri_fig11
MF_USAGE="Fig. 11: Muri-L vs its worst-ordering and no-Blossom ablations on trace1-4 (n8g8)."
MF_AUTOPACK=off
MF_QUICK_TRACES=trace3
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_main "$@"
