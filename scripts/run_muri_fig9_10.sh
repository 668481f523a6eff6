#!/usr/bin/env bash
# Muri (SIGCOMM'22) Figs. 9/10: avg JCT, makespan and p99 JCT of SRTF, SRSF, Tiresias (Muri's
# dlas-gpu), Themis (muri-themis), AntMan (muri-antman), Muri-S and Muri-L on trace1-4 and
# trace1-4_pr (all jobs submitted at t=0), 8x8 GPUs, autopack off as the paper's runs.
# summary.csv: figure,trace,cluster,policy,autopack,<summary.json metrics>,wall_s
set -euo pipefail
MF_NAME=run_muri_fig9_10
MF_PLOT=muri_fig9_10
MF_USAGE="Figs. 9/10: baselines vs Muri-S/Muri-L on trace1-4 and trace1-4_pr (n8g8)."
MF_AUTOPACK=off
MF_DEFAULT_TRACES=trace1,trace2,trace3,trace4,trace1_pr,trace2_pr,trace3_pr,trace4_pr
MF_QUICK_TRACES=trace3,trace3_pr
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_init "$@"

baselines=(muri-srtf muri-srsf muri-tiresias)
for p in muri-themis muri-antman; do
  if mf_has_policy "$p"; then baselines+=("$p"); fi
done
for t in "${MF_TRACE_LIST[@]}"; do
  for p in "${baselines[@]}"; do
    sets=()
    # shellcheck disable=SC2207
    if [[ $p == muri-themis ]]; then sets=($(mf_themis_sets)); fi
    mf_add "${t}__$p" "figure=9_10;trace=$t;cluster=n8g8;policy=$p;autopack=n/a" "$t" "$p" \
      "${sets[@]}"
  done
  for p in muri-s muri-l; do
    # shellcheck disable=SC2046
    mf_add "${t}__${p}__autopack-$MF_AUTOPACK" \
      "figure=9_10;trace=$t;cluster=n8g8;policy=$p;autopack=$MF_AUTOPACK" "$t" "$p" $(mf_muri_sets 4)
  done
done
mf_finish
