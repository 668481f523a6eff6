# shellcheck shell=bash
# Sourced by scripts/run_muri_fig*.sh, the Muri (SIGCOMM'22) figure scripts: each runs its grid
# scripts/grids/muri_fig*.json (Muri's simulator setting, see the grids' descriptions) through
# `clustersim sweep run`. A script sets MF_NAME, MF_GRID, MF_PLOT, MF_USAGE, MF_AUTOPACK (its
# figure's autopack) and MF_QUICK_TRACES (optionally MF_QUICK_JOBS), then calls mf_main "$@".
source "$(dirname "${BASH_SOURCE[0]}")/sweep_script.sh"

mf_option() {
  case "$1" in
    --traces) MF_TRACES="${2:?--traces needs a list}"; SW_SHIFT=2 ;;
    --autopack) MF_AUTOPACK="${2:?--autopack needs on or off}"; SW_SHIFT=2 ;;
    *) return 1 ;;
  esac
}

mf_main() {
  MF_QUICK_JOBS="${MF_QUICK_JOBS:-100}"
  MF_TRACES=""
  SW_NAME="$MF_NAME"
  SW_ANCHOR=muri
  SW_ABOUT="$MF_USAGE"
  SW_QUICK_ABOUT="CI subset: traces $MF_QUICK_TRACES, each cut to its first $MF_QUICK_JOBS jobs
                 (subset=first$MF_QUICK_JOBS in summary.csv; the paper's ratios are for full traces)"
  SW_PLOT="/usr/bin/python3 plots/$MF_PLOT.py <out>/summary.csv"
  SW_OPTIONS="  --traces LIST  comma-separated trace names, a subset of the figure's
  --autopack on|off  Muri's autopack for the muri-s/muri-l runs (default: $MF_AUTOPACK, the
                 setting behind this figure; see research/tiresias_muri.md 3.3)
"
  sw_option() { mf_option "$@"; }
  sw_init "$@"
  [[ "$MF_AUTOPACK" == on || "$MF_AUTOPACK" == off ]] || cs_die "--autopack must be on or off"
  if [[ -z "$MF_TRACES" ]] && ((SW_QUICK)); then MF_TRACES="$MF_QUICK_TRACES"; fi
  local missing=() traces=() t
  for f in cluster_specs/n8g8_sim.csv restart_overhead_s.csv trace-data; do
    [[ -e "$SW_DATA/$f" ]] || missing+=("$SW_DATA/$f")
  done
  IFS=, read -r -a traces <<<"$MF_TRACES"
  for t in "${traces[@]}"; do
    [[ -f "$SW_DATA/trace-data/$t.csv" ]] || missing+=("$SW_DATA/trace-data/$t.csv")
  done
  if ((${#missing[@]})); then
    {
      echo "$MF_NAME: Muri data not found:"
      printf '  %s\n' "${missing[@]}"
      echo "  --data must point at the Muri anchor folder (shared/anchors/muri, see its PROVENANCE.md):"
      echo "  trace-data/*.csv and cluster_specs/n8g8_sim.csv come verbatim from github.com/Rivendile/Muri"
      echo "  (simulator/trace-data/, simulator/cluster_spec/n8g8.csv, commit 4e69a78); restart_overhead_s.csv"
      echo "  is the 'overhead_dict' table of that repository's simulator/run_sim.py as CSV"
      echo "  (num_gpu,model_name,restart_overhead_s)."
    } >&2
    exit 2
  fi
  local args=(--var "autopack=$MF_AUTOPACK")
  for t in "${traces[@]}"; do args+=(--only "trace=$t"); done
  if ((SW_QUICK)); then  # the traces cut to their first jobs; subset= keeps them apart from full runs
    mkdir -p "$SW_OUT/traces"
    for t in "${traces[@]}"; do
      head -n "$((MF_QUICK_JOBS + 1))" "$SW_DATA/trace-data/$t.csv" >"$SW_OUT/traces/$t.csv"
    done
    args+=(--var "traces=$SW_OUT/traces" --var "subset=first$MF_QUICK_JOBS")
  fi
  sw_sweep "$CS_ROOT/scripts/grids/$MF_GRID" "${args[@]}"
}
