# shellcheck shell=bash
# Sourced by the serving figure scripts (run_clockwork_*.sh): options, data checks, the run
# manifest and summary.csv. A script sets SF_NAME, SF_PLOT, SF_USAGE, calls sf_init "$@", then
# sf_add for every run and sf_finish.
#
# Options: --binary B (clustersim to run; default build/clustersim, built if missing),
# --out DIR (default results/<name>[_quick]), --jobs N (parallel runs, default 2), --quick (a
# small, fast subset), --data DIR (the Clockwork anchors; default ../shared/anchors/clockwork
# next to the repository, or $CLUSTERSIM_ANCHORS/clockwork), --trace FILE (an Azure Functions
# 2019 day; default: the calibrated generator).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

sf_usage() {
  cat <<USAGE
usage: scripts/$SF_NAME.sh [--binary B] [--out DIR] [--jobs N] [--quick] [--data DIR]
                          [--trace FILE] [-h|--help]
$SF_USAGE
  --binary B   clustersim binary (default: build/clustersim, built if missing)
  --out DIR    output folder: runs/<run>/ and summary.csv
               (default: results/$SF_NAME, or results/${SF_NAME}_quick with --quick)
  --jobs N     parallel runs (default: 2)
  --quick      a small subset with a 10x shorter workload, for CI
  --data DIR   Clockwork anchors with model_zoo_v100.csv (default: ../shared/anchors/clockwork,
               or \$CLUSTERSIM_ANCHORS/clockwork)
  --trace F    an Azure Functions 2019 day (invocations_per_function_md.anon.d01.csv);
               default: the calibrated generator
Finished runs (runs/<run>/summary.json present) are skipped; delete the folder to redo one.
Plot with: /usr/bin/python3 plots/${SF_PLOT}.py --out <out> [--data DIR]
USAGE
}

sf_init() {
  SF_DATA="${CLUSTERSIM_ANCHORS:-$CS_ROOT/../shared/anchors}/clockwork"
  SF_OUT=""
  SF_JOBS=2
  SF_QUICK=0
  SF_TRACE=""
  while (($#)); do
    case "$1" in
      --binary) CS_BIN="${2:?--binary needs a file}"; shift 2 ;;
      --out) SF_OUT="${2:?--out needs a folder}"; shift 2 ;;
      --jobs) SF_JOBS="${2:?--jobs needs a number}"; shift 2 ;;
      --quick) SF_QUICK=1; shift ;;
      --data) SF_DATA="${2:?--data needs a folder}"; shift 2 ;;
      --trace) SF_TRACE="${2:?--trace needs a file}"; shift 2 ;;
      -h|--help) sf_usage; exit 0 ;;
      *) cs_die "unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ "$SF_JOBS" =~ ^[1-9][0-9]*$ ]] || cs_die "--jobs must be a positive integer"
  if [[ ! -f "$SF_DATA/model_zoo_v100.csv" ]]; then
    {
      echo "$SF_NAME: $SF_DATA/model_zoo_v100.csv not found."
      echo "  --data must point at the Clockwork anchor folder (shared/anchors/clockwork, see its"
      echo "  README.md): the paper's appendix model table as CSV."
    } >&2
    exit 2
  fi
  [[ -z "$SF_TRACE" || -f "$SF_TRACE" ]] || cs_die "--trace: $SF_TRACE not found"
  SF_DATA="$(cd "$SF_DATA" && pwd)"
  [[ -z "$SF_TRACE" ]] || SF_TRACE="$(cd "$(dirname "$SF_TRACE")" && pwd)/$(basename "$SF_TRACE")"
  if [[ -z "$SF_OUT" ]]; then
    SF_OUT="$CS_ROOT/results/$SF_NAME"
    ((SF_QUICK)) && SF_OUT+="_quick"
  fi
  mkdir -p "$SF_OUT/runs"
  SF_OUT="$(cd "$SF_OUT" && pwd)"
  if [[ "$CS_BIN" == "$CS_BUILD/clustersim" && ! -x "$CS_BIN" ]]; then cs_build clustersim >&2; fi
  [[ -x "$CS_BIN" ]] || cs_die "--binary: $CS_BIN is not an executable"
  SF_MANIFEST="$SF_OUT/manifest.tsv"
  SF_TAGS="$SF_OUT/tags.tsv"
  : >"$SF_MANIFEST"
  : >"$SF_TAGS"
  SF_ZOO="$SF_DATA/model_zoo_v100.csv"
}

# sf_add RUN TAGS [clustersim run arguments...]: one serving run on the anchors' zoo (and
# --trace, if given). TAGS: "key=value;..." leading columns of summary.csv.
sf_add() {
  local run="$1" tags="$2"
  shift 2
  local args=(--family serving --zoo "$SF_ZOO" "$@")
  [[ -z "$SF_TRACE" ]] || args+=(--trace "$SF_TRACE")
  local quoted
  quoted="$(printf '%q ' "${args[@]}")"
  printf '%s\t%s\n' "$SF_OUT/runs/$run" "$quoted" >>"$SF_MANIFEST"
  printf '%s\t%s\n' "$tags;run=$run" "$SF_OUT/runs/$run" >>"$SF_TAGS"
}

sf_finish() {
  local t0=$SECONDS
  cs_run_manifest "$SF_MANIFEST" "$SF_JOBS"
  "$CS_PYTHON" "$CS_ROOT/scripts/lib/collect_summary.py" "$SF_OUT/summary.csv" "$SF_TAGS"
  echo "wrote $SF_OUT/summary.csv ($(($(wc -l <"$SF_TAGS"))) runs, $((SECONDS - t0)) s)"
}
