#!/usr/bin/env bash
# Muri (SIGCOMM'22) Figs. 9/10: avg JCT, makespan and p99 JCT of SRTF, SRSF, Tiresias (Muri's
# dlas-gpu), Themis (muri-themis), AntMan (muri-antman), Muri-S and Muri-L on trace1-4 and
# trace1-4_pr (all jobs submitted at t=0), 8x8 GPUs, autopack off as the paper's runs.
# The grid is scripts/grids/muri_fig9_10.json; see --help for the options.
set -euo pipefail
MF_NAME=run_muri_fig9_10
MF_GRID=muri_fig9_10.json
MF_PLOT=muri_fig9_10
MF_USAGE="Figs. 9/10: baselines vs Muri-S/Muri-L on trace1-4 and trace1-4_pr (n8g8)."
MF_AUTOPACK=off
MF_QUICK_TRACES=trace3,trace3_pr
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_main "$@"
