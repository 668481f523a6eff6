# shellcheck shell=bash
# Sourced by scripts/run_clockwork_fig11.sh and run_clockwork_slo.sh, the Clockwork (OSDI'20)
# figure scripts: each runs its grid scripts/grids/clockwork_*.json through `clustersim sweep
# run`. A script sets CW_FIGURE (fig11 or slo), CW_USAGE, CW_QUICK_ABOUT and CW_QUICK (the
# `sweep run` arguments of its --quick subset: --only filters and --var settings), then calls
# cw_main "$@". Both scripts also take --only KEY=VALUE (repeatable; `sweep run --only`: some of
# the figure's points, e.g. --only workers=40), which the fidelity guard uses.
source "$(dirname "${BASH_SOURCE[0]}")/sweep_script.sh"

cw_main() {
  SW_NAME="run_clockwork_$CW_FIGURE"
  SW_ANCHOR=clockwork
  SW_ABOUT="$CW_USAGE"
  SW_QUICK_ABOUT="CI subset: $CW_QUICK_ABOUT (subset=quick in summary.csv; the plot says so)"
  SW_PLOT="/usr/bin/python3 plots/clockwork_$CW_FIGURE.py <out>/summary.csv"
  SW_OPTIONS="  --only KEY=VALUE  only the points with this value of column KEY (repeatable; values of one
                 key add up), e.g. --only workers=40 --only seed=1
"
  CW_ONLY=()
  sw_option() {
    [[ "$1" == --only ]] || return 1
    CW_ONLY+=(--only "${2:?--only needs KEY=VALUE}")
    SW_SHIFT=2
  }
  sw_init "$@"
  if [[ ! -f "$SW_DATA/model_zoo_v100.csv" ]]; then
    {
      echo "$SW_NAME: $SW_DATA/model_zoo_v100.csv not found."
      echo "  --data must point at the Clockwork anchor folder (shared/anchors/clockwork, see its"
      echo "  README.md): the paper's appendix model table as CSV."
    } >&2
    exit 2
  fi
  local args=("${CW_ONLY[@]}")
  if ((SW_QUICK)); then args+=("${CW_QUICK[@]}" --var subset=quick); fi
  sw_sweep "$CS_ROOT/scripts/grids/clockwork_$CW_FIGURE.json" "${args[@]}"
}
