#!/usr/bin/env bash
# Speed of the serving family on its largest Fig. 11 point: the clockwork policy on N = 150
# GPUs over the whole 10-minute azure_scalability_exp ramp (1.28 x 10^8 requests), timed with
# /usr/bin/time. Prints each run (wall, CPU = user + sys, peak RSS, requests) and the medians.
# Targets (issue 12): < 60 s wall on one core, < 2 GiB; exit 1 when the full run misses them.
#
#   scripts/perf_serving.sh [--binary PATH] [--against PATH] [--repeats R] [--workers N]
#                           [--ramp S] [--data DIR]
#
#   --against PATH  a second build (say, the previous commit's), run at the same time as the
#                   first, one per core, the order swapped every repeat; prints the CPU ratio.
#                   On a shared VM whose speed drifts, that ratio is steadier than times taken
#                   minutes apart.
#   --ramp S        seconds per load-factor step (default 60, the figure's; 6 = --quick's)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
against="" repeats=3 workers=150 ramp=60
data="${CLUSTERSIM_ANCHORS:-$CS_ROOT/../shared/anchors}/clockwork"
while (($#)); do
  case "$1" in
    --binary) CS_BIN="${2:?--binary needs a path}"; shift 2 ;;
    --against) against="${2:?--against needs a path}"; shift 2 ;;
    --repeats) repeats="${2:?--repeats needs a number}"; shift 2 ;;
    --workers) workers="${2:?--workers needs a number}"; shift 2 ;;
    --ramp) ramp="${2:?--ramp needs seconds}"; shift 2 ;;
    --data) data="${2:?--data needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) cs_die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || cs_die "--repeats must be a positive integer"
[[ -f "$data/model_zoo_v100.csv" ]] || cs_die "$data/model_zoo_v100.csv not found (--data)"
[[ -x /usr/bin/time ]] || cs_die "/usr/bin/time is missing (apt-get install time)"
[[ -x "$CS_BIN" ]] || cs_build clustersim >&2
[[ -z "$against" || -x "$against" ]] || cs_die "--against: $against is not executable"
work="$(mktemp -d /tmp/clustersim-perf-serving.XXXXXX)"
trap 'rm -rf "$work"' EXIT

one() {  # one TAG BINARY: a run; appends "wall cpu rss_kib requests" to $work/TAG
  local tag="$1" bin="$2"
  rm -rf "$work/out_$tag"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time_$tag" "$bin" run --family serving \
    --policy clockwork --zoo "$data/model_zoo_v100.csv" --set workload=azure_scalability_exp \
    --set serving.gpus="$workers" --set azure.lf_period_s="$ramp" --set serving.bucket_s="$ramp" \
    --out "$work/out_$tag" -q
  local requests
  requests=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["requests"])' \
    "$work/out_$tag/summary.json")
  awk -v r="$requests" '{ printf "%s %.2f %s %s\n", $1, $2 + $3, $4, r }' "$work/time_$tag" \
    >>"$work/$tag"
  echo "  $tag: $(tail -n 1 "$work/$tag" | awk '{ printf "wall %ss, CPU %ss, peak RSS %d MiB", $1, $2, $3 / 1024 }')" >&2
}

echo "clockwork, N = $workers, ramp steps of $ramp s, $repeats repeat(s)" >&2
for ((r = 1; r <= repeats; r++)); do
  echo "repeat $r" >&2
  if [[ -z "$against" ]]; then
    one a "$CS_BIN"
  elif ((r % 2)); then
    one b "$against" & one a "$CS_BIN"; wait
  else
    one a "$CS_BIN" & one b "$against"; wait
  fi
done
wall=$(cut -d' ' -f1 "$work/a" | cs_median) cpu=$(cut -d' ' -f2 "$work/a" | cs_median)
rss=$(cut -d' ' -f3 "$work/a" | cs_median) requests=$(head -n 1 "$work/a" | cut -d' ' -f4)
printf 'N=%d requests=%d medians: wall=%.2fs cpu=%.2fs peak_rss=%d MiB (%s)\n' "$workers" \
  "$requests" "$wall" "$cpu" $((${rss%.*} / 1024)) "$CS_BIN"
if [[ -n "$against" ]]; then
  bcpu=$(cut -d' ' -f2 "$work/b" | cs_median)
  printf 'against %s: cpu=%.2fs, ratio %.3f (< 1: %s is faster)\n' "$against" "$bcpu" \
    "$(awk -v a="$cpu" -v b="$bcpu" 'BEGIN { print a / b }')" "$CS_BIN"
fi
if ((workers == 150 && ramp == 60)); then
  met=$(awk -v w="$wall" -v m="$rss" 'BEGIN { print (w < 60 && m < 2 * 1024 * 1024) ? "met" : "NOT met" }')
  echo "target (< 60 s wall on one core, < 2 GiB): $met"
  [[ "$met" == met ]] || exit 1
fi
