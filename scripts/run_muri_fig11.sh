#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 11: Muri-L ablations on trace1-4 (8x8 GPUs, autopack off as the paper's
# runs): Muri-L, worst ordering (muri-l-worstordering), without Blossom (muri-l-noblossom).
# summary.csv: figure,trace,cluster,policy,variant,autopack,<summary.json metrics>,wall_s
set -euo pipefail
MF_NAME=run_muri_fig11
MF_PLOT=muri_fig11
MF_USAGE="Fig. 11: Muri-L vs its worst-ordering and no-Blossom ablations on trace1-4 (n8g8)."
MF_AUTOPACK=off
MF_DEFAULT_TRACES=trace1,trace2,trace3,trace4
MF_QUICK_TRACES=trace3
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_init "$@"

declare -A variant=([muri-l]="Muri-L" [muri-l-worstordering]="Muri-L worst ordering"
  [muri-l-noblossom]="Muri-L w/o Blossom")
for t in "${MF_TRACE_LIST[@]}"; do
  for p in muri-l muri-l-worstordering muri-l-noblossom; do
    # shellcheck disable=SC2046
    mf_add "${t}__${p}__autopack-$MF_AUTOPACK" \
      "figure=11;trace=$t;cluster=n8g8;policy=$p;variant=${variant[$p]};autopack=$MF_AUTOPACK" \
      "$t" "$p" $(mf_muri_sets 4)
  done
done
mf_finish
