#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 9/10 simulations. Usage: run_muri_fig9_10.sh [--data DIR] [--out DIR] [--jobs N] [--traces a,b]
# Writes <out>/summary.csv; plot with: /usr/bin/python3 plots/muri_figs.py <out>/summary.csv
exec /usr/bin/python3 "$(dirname "$0")/muri_figs.py" 9_10 "$@"
