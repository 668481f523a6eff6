#!/usr/bin/env bash
# Muri (SIGCOMM'22) Fig. 13: SRTF vs Muri-S and Tiresias (Muri's dlas-gpu) vs Muri-L on
# job_type_1..4 (trace3's jobs with 2, 4, 6, 8 distinct models), 8x8 GPUs, autopack on as the
# paper's Fig. 13 script.
# summary.csv: figure,trace,cluster,policy,job_type,models,autopack,<summary.json metrics>,wall_s
set -euo pipefail
MF_NAME=run_muri_fig13
MF_PLOT=muri_fig13
MF_USAGE="Fig. 13: model diversity, job_type_1..4 (n8g8)."
MF_AUTOPACK=on
MF_DEFAULT_TRACES=job_type_1,job_type_2,job_type_3,job_type_4
MF_QUICK_TRACES=job_type_1,job_type_2,job_type_3,job_type_4
MF_QUICK_JOBS=60
source "$(dirname "${BASH_SOURCE[0]}")/lib/muri_figs.sh"
mf_init "$@"

for t in "${MF_TRACE_LIST[@]}"; do
  n="${t#job_type_}"
  tags="figure=13;trace=$t;cluster=n8g8"
  [[ "$n" =~ ^[0-9]+$ ]] && jt="job_type=$n;models=$((2 * n))" || jt="job_type=;models="
  for p in muri-srtf muri-tiresias; do
    mf_add "${t}__$p" "$tags;policy=$p;$jt;autopack=n/a" "$t" "$p"
  done
  for p in muri-s muri-l; do
    # shellcheck disable=SC2046
    mf_add "${t}__${p}__autopack-$MF_AUTOPACK" "$tags;policy=$p;$jt;autopack=$MF_AUTOPACK" \
      "$t" "$p" $(mf_muri_sets 4)
  done
done
mf_finish
