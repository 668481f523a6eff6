#!/usr/bin/env bash
# EvalPro's throughput scalability (research/loadbalancing.md section 3; the MTP presentation,
# seed 004): closed loops with 4N clients and no think time keep N cores busy; every running
# evaluation slows down by f(b) = 1 + sigma (b - 1) with b busy cores. Calibrated: sigma per setup
# from its published S at the largest N (16-core host S(16) = 11.23, 64-core host S(64) = 29.6,
# 16 isolated VMs S(16) = 14.5, 64 isolated VMs S(64) = 23) and the service time from X(1)
# (0.3 and 0.66 req/s). Predicted: S(16) on the 64-core host (measured 8.75 / 0.66 = 13.26) and
# every smaller N. Isolated VMs are N one-slot nodes whose contention counts the host's busy
# cores (contention.scope=cluster), behind a shortest-queue balancer.
# summary.csv: setup,cores,throughput_rps,speedup,measured_speedup,diff_pct,calibrated.
# Plot: plots/evalpro.py <out>/summary.csv
set -euo pipefail
BL_NAME=run_evalpro
BL_ANCHOR=""
BL_USAGE="EvalPro S(N) on the 16- and 64-core hosts and isolated VMs (--quick: N <= 16, short)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing.sh"
bl_init "$@"

completions=30000
((BL_QUICK)) && completions=3000
# setup, largest N, published S(largest N), X(1) in req/s, isolated (0/1)
setups=("host16 16 11.23 0.3 0" "host64 64 29.6 0.66 0" "vm16 16 14.5 0.3 1" "vm64 64 23 0.66 1")
((BL_QUICK)) && setups=("host16 16 11.23 0.3 0" "vm16 16 14.5 0.3 1")
for setup in "${setups[@]}"; do
  read -r name nmax s_pub x1 iso <<<"$setup"
  sigma=$(awk -v n="$nmax" -v s="$s_pub" 'BEGIN { printf "%.6g", (n / s - 1) / (n - 1) }')
  for n in 1 2 4 8 16 32 64; do
    ((n > nmax)) && break
    # Long enough for `completions` completions after a 10 % warm-up.
    dur=$(awk -v n="$n" -v x1="$x1" -v sg="$sigma" -v c="$completions" \
      'BEGIN { x = n * x1 / (1 + sg * (n - 1)); printf "%.0f", c / x / 0.9 }')
    warm=$(awk -v d="$dur" 'BEGIN { printf "%.0f", d / 10 }')
    common=(--set workload=closed --set workload.clients=$((4 * n)) --set workload.think_s=0
      --set workload.duration_s="$dur" --set metrics.warmup_s="$warm" --set metrics.until_s="$dur"
      --set service=exponential --set service.mean_s="$(awk -v x="$x1" 'BEGIN { printf "%.6g", 1 / x }')"
      --set contention=linear --set contention.sigma="$sigma")
    if ((iso)); then
      bl_add "${name}_n$n" "setup=$name;cores=$n;sigma=$sigma" --policy jsq \
        --set cluster.nodes="$n" --set contention.scope=cluster "${common[@]}"
    else
      bl_add "${name}_n$n" "setup=$name;cores=$n;sigma=$sigma" --policy central \
        --set cluster.slots="$n" "${common[@]}"
    fi
  done
done
bl_finish evalpro
