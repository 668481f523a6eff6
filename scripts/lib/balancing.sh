# shellcheck shell=bash
# Sourced by scripts/run_aivle.sh, run_mp4.sh and run_evalpro.sh: the options every
# balancing reproduction takes, and its run manifest. A script sets BL_NAME, BL_ANCHOR (folder
# under the anchors, "" for none), BL_USAGE, calls bl_init "$@", writes one run per line with
# bl_add, then calls bl_finish MODE, which runs what is missing and writes <out>/summary.csv.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bl_usage() {
  cat <<EOF2
usage: scripts/$BL_NAME.sh [--binary B] [--out DIR] [--data DIR] [--jobs N] [--quick] [-h]
$BL_USAGE
  --binary B   clustersim binary (default: build/clustersim, built if missing)
  --out DIR    output folder: runs/<run>/ and summary.csv (default: results/$BL_NAME)
  --data DIR   the anchor folder (default: \$CLUSTERSIM_ANCHORS/$BL_ANCHOR, else
               ../shared/anchors/$BL_ANCHOR next to the repository)
  --jobs N     runs in parallel (default: 2)
  --quick      a smaller subset, for CI
Runs whose runs/<run>/summary.json exists are skipped; delete the folder to redo one.
EOF2
}

bl_init() {
  BL_OUT="" BL_JOBS=2 BL_QUICK=0
  BL_DATA="${CLUSTERSIM_ANCHORS:-$CS_ROOT/../shared/anchors}/$BL_ANCHOR"
  while (($#)); do
    case "$1" in
      --binary) CS_BIN="${2:?--binary needs a path}"; shift 2 ;;
      --out) BL_OUT="${2:?--out needs a folder}"; shift 2 ;;
      --data) BL_DATA="${2:?--data needs a folder}"; shift 2 ;;
      --jobs) BL_JOBS="${2:?--jobs needs a number}"; shift 2 ;;
      --quick) BL_QUICK=1; shift ;;
      -h|--help) bl_usage; exit 0 ;;
      *) cs_die "unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ "$BL_JOBS" =~ ^[1-9][0-9]*$ ]] || cs_die "--jobs must be a positive integer"
  [[ -n "$BL_OUT" ]] || BL_OUT="$CS_ROOT/results/$BL_NAME$( ((BL_QUICK)) && echo _quick)"
  if [[ -n "$BL_ANCHOR" ]]; then
    [[ -d "$BL_DATA" ]] || cs_die "no data at $BL_DATA (pass --data DIR or set CLUSTERSIM_ANCHORS)"
    BL_DATA="$(cd "$BL_DATA" && pwd)"
  fi
  if [[ ! -x "$CS_BIN" ]]; then
    [[ "$CS_BIN" == "$CS_BUILD/clustersim" ]] || cs_die "--binary $CS_BIN is not executable"
    cs_build clustersim >&2
  fi
  CS_BIN="$(cd "$(dirname "$CS_BIN")" && pwd)/$(basename "$CS_BIN")"
  mkdir -p "$BL_OUT/runs"
  BL_OUT="$(cd "$BL_OUT" && pwd)"
  BL_MANIFEST="$BL_OUT/manifest.tsv"
  BL_TAGS="$BL_OUT/tags.tsv"
  : >"$BL_MANIFEST"
  : >"$BL_TAGS"
}

# bl_add RUN TAGS ARGS...: one `clustersim run` (balancing family); TAGS "key=value;..." are
# the leading columns the collector reads back.
bl_add() {
  local run="$1" tags="$2"
  shift 2
  local quoted
  quoted="$(printf '%q ' --family balancing "$@")"
  printf '%s\t%s\n' "$BL_OUT/runs/$run" "$quoted" >>"$BL_MANIFEST"
  printf '%s\t%s\n' "$tags;run=$run" "$BL_OUT/runs/$run" >>"$BL_TAGS"
}

# bl_run_manifest FILE JOBS: one run per line, "<out dir>\t<clustersim run arguments>", JOBS at
# a time; runs whose summary.json exists are skipped; fails if any run fails. (Kept here, not in
# common.sh, so these scripts do not depend on the figure scripts' runner; `clustersim sweep`
# can take over.)
bl_run_manifest() {
  local manifest="$1" jobs="$2"
  echo "running $(wc -l <"$manifest") runs, $jobs at a time" >&2
  # shellcheck disable=SC2016
  tr '\n' '\0' <"$manifest" | xargs -0 -P "$jobs" -I{} bash -c '
    line="$1"; out="${line%%$'"'"'\t'"'"'*}"; args="${line#*$'"'"'\t'"'"'}"
    if [[ -f "$out/summary.json" ]]; then exit 0; fi
    mkdir -p "$out"
    if ! eval "\"$0\" run $args --out \"$out\" -q" >"$out/log.txt" 2>&1; then
      echo "FAILED: $out (see $out/log.txt)" >&2; cat "$out/log.txt" >&2; exit 1
    fi
    echo "done: $out" >&2' "$CS_BIN" {}
}

# bl_finish MODE [EXTRA]: runs the manifest and writes <out>/summary.csv with
# scripts/lib/balancing_summary.py MODE (EXTRA: a JSON file of reference values).
bl_finish() {
  local t0=$SECONDS
  bl_run_manifest "$BL_MANIFEST" "$BL_JOBS"
  "$CS_PYTHON" "$CS_ROOT/scripts/lib/balancing_summary.py" "$1" "$BL_OUT" "${2:-}"
  echo "wrote $BL_OUT/summary.csv ($(wc -l <"$BL_TAGS") runs, $((SECONDS - t0)) s)"
}
