# shellcheck shell=bash
# Sourced by scripts/run_aivle.sh, run_mp4.sh and run_evalpro.sh, the balancing reproductions:
# each runs its grid scripts/grids/{aivle,mp4,evalpro}.json through `clustersim sweep run` (the
# options, binary lookup and resume rule of every figure script, scripts/lib/sweep_script.sh),
# then scripts/lib/balancing_columns.py adds the comparison columns to <out>/summary.csv.
#
# A script sets BL_FIGURE (aivle, mp4 or evalpro), BL_ANCHOR (its anchor folder, "" for none),
# BL_ABOUT, BL_QUICK_ABOUT and BL_QUICK (the `sweep run` arguments of --quick, empty for the same
# runs), then calls bl_main "$@".
#
# aiVLE and MP4 are calibrated from their data before the sweep: `clustersim calibrate FIGURE
# --data DIR` prints the fitted model as KEY=VALUE lines, which go to `sweep run` as --set
# KEY=VALUE, so every run.json holds the values it ran with (a new fit reruns the runs) and the
# grid keeps only what the experiment varies. The fit is also kept in <out>/calibration.json.
source "$(dirname "${BASH_SOURCE[0]}")/sweep_script.sh"

bl_main() {
  SW_NAME="run_$BL_FIGURE"
  SW_ANCHOR="$BL_ANCHOR"
  SW_ABOUT="$BL_ABOUT"
  if [[ -n "$BL_ANCHOR" ]]; then
    SW_ABOUT+=$'\n'"Calibrated first: \`clustersim calibrate $BL_FIGURE --data DIR\` (kept as <out>/calibration.json),"
    SW_ABOUT+=$'\n'"its KEY=VALUE lines passed to \`sweep run\` as --set."
  fi
  if ((${#BL_QUICK[@]})); then
    SW_QUICK_ABOUT="CI subset: $BL_QUICK_ABOUT (subset=quick in summary.csv; the plot says so)"
  else
    SW_QUICK_ABOUT="the same runs (the figure takes seconds)"
  fi
  SW_PLOT="/usr/bin/python3 plots/$BL_FIGURE.py <out>/summary.csv"
  sw_init "$@"
  local args=() reference="" kv data="$SW_DATA"
  if ((SW_QUICK)) && ((${#BL_QUICK[@]})); then args+=("${BL_QUICK[@]}" --var subset=quick); fi
  case "$BL_FIGURE" in
    aivle) bl_need "$SW_DATA/web/debug.log.10" "the aiVLE anchor folder (shared/anchors/aivle): web/debug.log.N" ;;
    mp4) bl_need "$SW_DATA/pending_jobs_timeline.csv" "the MP4 anchor folder (shared/anchors/mp4_g09)" ;;
  esac
  if [[ -n "$BL_ANCHOR" ]]; then
    "$SW_BINARY" calibrate "$BL_FIGURE" --data "$SW_DATA" --json >"$SW_OUT/calibration.json.tmp"
    mv "$SW_OUT/calibration.json.tmp" "$SW_OUT/calibration.json"
    while IFS= read -r kv; do args+=(--set "$kv"); done < <("$SW_BINARY" calibrate "$BL_FIGURE" --data "$SW_DATA")
  fi
  SW_DATA=""  # the grids read no files: the calibration carries the data
  sw_sweep "$CS_ROOT/scripts/grids/$BL_FIGURE.json" "${args[@]}"
  case "$BL_FIGURE" in
    aivle) reference="$SW_OUT/calibration.json" ;;
    mp4) reference="$data/pending_jobs_timeline.csv" ;;
  esac
  "$CS_PYTHON" "$CS_ROOT/scripts/lib/balancing_columns.py" "$BL_FIGURE" "$SW_OUT" "$reference"
}

# bl_need FILE WHAT: stops with exit 2 unless FILE exists under --data.
bl_need() {
  [[ -f "$1" ]] && return
  echo "$SW_NAME: $1 not found; --data must point at $2 (see its PROVENANCE.md)." >&2
  exit 2
}
