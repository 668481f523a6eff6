#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 13: SRTF vs Muri-S and Tiresias (Muri's dlas-gpu) vs Muri-L on
# job_type_1..4 (trace3's jobs with 2, 4, 6, 8 distinct models), 8x8 GPUs, autopack on as the
# paper's Fig. 13 script. The grid is scripts/grids/muri_fig13.json; see --help for the options.
set -euo pipefail
MF_NAME=run_muri_fig13
MF_GRID=muri_fig13.json
MF_PLOT=muri_fig13
MF_USAGE="Fig. 13: model diversity, job_type_1..4 (n8g8)."
MF_AUTOPACK=on
MF_QUICK_TRACES=job_type_1,job_type_2,job_type_3,job_type_4
MF_QUICK_JOBS=60
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_main "$@"
