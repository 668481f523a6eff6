#!/usr/bin/env bash
# Goodput vs SLO for clockwork, clipper and fifo, after Clockwork's Fig. 5 (OSDI'20, 6.1): 15
# copies of resnet50_v2 on one V100, 16 closed-loop clients per copy (think time 0), the SLO
# swept from 10 to 500 ms, 60 s each. The paper's point: Clockwork drops what it cannot serve in
# time and keeps its goodput close to its throughput at tight SLOs, while a system that queues
# everything (Clipper's batching, FIFO) answers late.
# summary.csv: figure,policy,slo_ms,run,<summary.json metrics>,wall_s. --quick: 3 SLOs, 5 s.
set -euo pipefail
SF_NAME=run_clockwork_slo
SF_PLOT=clockwork_slo
SF_USAGE="Goodput and tail latency vs SLO: clockwork, clipper, fifo (Fig. 5 setup)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/serving_figs.sh"
sf_init "$@"

if ((SF_QUICK)); then
  slos=(25 100 500)
  duration=5
else
  slos=(10 25 50 100 250 500)
  duration=60
fi
for p in clockwork clipper fifo; do
  for slo in "${slos[@]}"; do
    sf_add "${p}__slo$slo" "figure=slo;policy=$p;slo_ms=$slo" --policy "$p" \
      --set workload=closed_loop --set synthetic.models=resnet50_v2 --set synthetic.copies=15 \
      --set closed.clients=16 --set "synthetic.duration_s=$duration" --set serving.gpus=1 \
      --set "serving.slo_ms=$slo" --set serving.bucket_s=1
  done
done
sf_finish
