#!/usr/bin/env bash
# Clockwork (OSDI'20) Fig. 11, "Can Clockwork scale?": the azure_scalability_exp workload (the
# first minutes of an Azure Functions day, 66 copies of every zoo model, load factor 0.1 x1.5
# every minute until it exceeds 4) on N = 10, 20, ..., 150 emulated V100s under the clockwork
# policy with the artifact's settings (schedule_ahead 5 ms, max_batch 8, max_exec 25 ms, SLO
# 100 ms) and the default controller CPU model; 3 seeds each (the artifact: 3 trials, median).
# Also the linear regime without controller cost (N = 10..50, seed 1, variant=zero_cost).
# summary.csv: figure,variant,workers,seed,policy,run,<summary.json metrics (peak_goodput_rps,
# offered_peak_rps, mean_batch, ...)>,wall_s.  --quick: N = 10 and 40, one seed, 6 s "minutes".
set -euo pipefail
SF_NAME=run_clockwork_fig11
SF_PLOT=clockwork_fig11
SF_USAGE="Fig. 11: peak goodput vs workers (clockwork, azure_scalability_exp)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/serving_figs.sh"
sf_init "$@"

if ((SF_QUICK)); then
  workers=(10 40)
  seeds=(1)
  zero_cost=(10)
  # Ten times shorter: 6 s per load-factor step, 6 s buckets.
  extra=(--set azure.lf_period_s=6 --set serving.bucket_s=6)
else
  workers=(10 20 30 40 50 60 70 80 90 100 110 120 130 140 150)
  seeds=(1 2 3)
  zero_cost=(10 20 30 40 50)
  extra=()
fi
# Largest N first: the long runs start early and the short ones fill in.
for ((i = ${#workers[@]} - 1; i >= 0; i--)); do
  n=${workers[$i]}
  for s in "${seeds[@]}"; do
    sf_add "N${n}__seed$s" "figure=11;variant=default;workers=$n;seed=$s;policy=clockwork" \
      --policy clockwork --seed "$s" --set "serving.gpus=$n" "${extra[@]}"
  done
done
for n in "${zero_cost[@]}"; do
  sf_add "N${n}__seed1__zero_cost" "figure=11;variant=zero_cost;workers=$n;seed=1;policy=clockwork" \
    --policy clockwork --seed 1 --set "serving.gpus=$n" --set controller.admit_us=0 \
    --set controller.admit_per_gpu_us=0 --set controller.schedule_us=0 \
    --set controller.action_us=0 --set controller.result_us=0 "${extra[@]}"
done
sf_finish
