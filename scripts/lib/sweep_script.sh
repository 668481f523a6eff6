# shellcheck shell=bash
# Sourced by the figure scripts (scripts/run_*.sh, demo.sh): each is a thin wrapper over a grid in
# scripts/grids/ run by `clustersim sweep run`, so they share one set of options, one way to find
# the binary, one resume rule (complete runs are kept; rerun the same command to resume) and one
# summary.csv schema (the grid's columns, run_dir, the summary.json metrics, wall_s).
#
# A script sets SW_NAME (its name), SW_ANCHOR (its data folder under the anchors, empty for
# none), SW_ABOUT (what it runs, for --help), SW_QUICK_ABOUT (what --quick runs), SW_PLOT (the
# plot command, for --help), SW_SETUP=1 to install the Debian packages first, optionally SW_OPTIONS (help lines of its own options) and a function
# sw_option handling them (called with the remaining arguments; sets SW_SHIFT to the number it
# used, returns 1 for an unknown option), then calls sw_init "$@" and sw_sweep GRID [ARGS...].
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

sw_usage() {
  cat <<EOF
usage: scripts/$SW_NAME.sh [--binary PATH]${SW_ANCHOR:+ [--data DIR]} [--out DIR] [--jobs N] [--quick]${SW_OPTIONS:+ [...]}
$SW_ABOUT
  --binary PATH  clustersim binary (default: build/clustersim, built when missing)
EOF
  if [[ -n "$SW_ANCHOR" ]]; then
    cat <<EOF
  --data DIR     the artifact's data (default: \$CLUSTERSIM_ANCHORS/$SW_ANCHOR, else
                 ../shared/anchors/$SW_ANCHOR next to the repository)
EOF
  fi
  cat <<EOF
  --out DIR      sweep folder: runs/<run>/, manifest.tsv, summary.csv
                 (default: results/$SW_NAME, results/${SW_NAME}_quick with --quick)
  --jobs N       runs at a time on local cores (default: the number of CPUs)
  --quick        $SW_QUICK_ABOUT
${SW_OPTIONS:-}Complete runs are kept: rerunning the same command resumes an interrupted sweep and runs only
what is missing or changed. For other hosts or Slurm: clustersim sweep emit (README, Sweeps).
EOF
  if [[ -n "${SW_PLOT:-}" ]]; then echo "Plot with: $SW_PLOT"; fi
}

sw_init() {
  SW_BINARY="$CS_BIN"
  SW_DATA=""
  SW_OUT=""
  SW_JOBS="$CS_JOBS"
  SW_QUICK=0
  local binary_given=0
  while (($#)); do
    case "$1" in
      --binary) SW_BINARY="${2:?--binary needs a path}"; binary_given=1; shift 2 ;;
      --data)
        [[ -n "$SW_ANCHOR" ]] || cs_die "--data: this script reads no artifact data"
        SW_DATA="${2:?--data needs a folder}"
        shift 2
        ;;
      --out) SW_OUT="${2:?--out needs a folder}"; shift 2 ;;
      --jobs) SW_JOBS="${2:?--jobs needs a number}"; shift 2 ;;
      --quick) SW_QUICK=1; shift ;;
      -h|--help) sw_usage; exit 0 ;;
      *)
        SW_SHIFT=0
        if declare -F sw_option >/dev/null && sw_option "$@"; then
          shift "$SW_SHIFT"
        else
          cs_die "unknown argument '$1' (see --help)"
        fi
        ;;
    esac
  done
  [[ "$SW_JOBS" =~ ^[1-9][0-9]*$ ]] || cs_die "--jobs must be a positive integer"
  if [[ -z "$SW_DATA" && -n "$SW_ANCHOR" ]]; then
    SW_DATA="${CLUSTERSIM_ANCHORS:-$CS_ROOT/../shared/anchors}/$SW_ANCHOR"
  fi
  if [[ -d "$SW_DATA" ]]; then SW_DATA="$(cd "$SW_DATA" && pwd)"; fi  # the script checks its files
  if [[ -z "$SW_OUT" ]]; then
    SW_OUT="$CS_ROOT/results/$SW_NAME"
    ((SW_QUICK)) && SW_OUT+="_quick"
  fi
  mkdir -p "$SW_OUT"
  SW_OUT="$(cd "$SW_OUT" && pwd)"
  if ((${SW_SETUP:-0})); then bash "$CS_ROOT/scripts/setup.sh"; fi
  if [[ ! -x "$SW_BINARY" ]]; then
    ((binary_given)) && cs_die "no clustersim binary at $SW_BINARY"
    cs_build clustersim >&2
  fi
}

# sw_sweep GRID [ARGS...]: runs the grid into SW_OUT (with --var data=SW_DATA when the script has
# data); ARGS go to `clustersim sweep run` (--var, --only). Exits with the sweep's status on
# failure.
sw_sweep() {
  local grid="$1"
  shift
  local args=(sweep run "$grid" --out "$SW_OUT" --jobs "$SW_JOBS")
  [[ -n "$SW_DATA" ]] && args+=(--var "data=$SW_DATA")
  "$SW_BINARY" "${args[@]}" "$@"
}
