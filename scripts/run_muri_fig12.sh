#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 12: Muri-L with at most 2, 3 or 4 jobs per group (muri.packing_num) on
# trace1-4_pr (all jobs submitted at t=0), 8x8 GPUs, autopack off as the paper's runs (plus AntMan
# when this build registers it).
# summary.csv: figure,trace,cluster,policy,packing_num,autopack,<summary.json metrics>,wall_s
set -euo pipefail
MF_NAME=run_muri_fig12
MF_PLOT=muri_fig12
MF_USAGE="Fig. 12: Muri-L group size 2/3/4 on trace1-4_pr (n8g8)."
MF_AUTOPACK=off
MF_DEFAULT_TRACES=trace1_pr,trace2_pr,trace3_pr,trace4_pr
MF_QUICK_TRACES=trace3_pr
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_init "$@"

extra=()
for p in muri-antman; do
  if mf_has_policy "$p"; then extra+=("$p"); break; fi
done
for t in "${MF_TRACE_LIST[@]}"; do
  for k in 2 3 4; do
    # shellcheck disable=SC2046
    mf_add "${t}__muri-l__pack${k}__autopack-$MF_AUTOPACK" \
      "figure=12;trace=$t;cluster=n8g8;policy=muri-l;packing_num=$k;autopack=$MF_AUTOPACK" \
      "$t" muri-l $(mf_muri_sets "$k")
  done
  for p in "${extra[@]}"; do
    mf_add "${t}__$p" "figure=12;trace=$t;cluster=n8g8;policy=$p;packing_num=n/a;autopack=n/a" "$t" "$p"
  done
done
mf_finish
