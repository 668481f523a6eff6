# shellcheck shell=bash
# Sourced by scripts/run_muri_fig*.sh: argument parsing, data checks and the run manifest shared
# by the Muri (SIGCOMM'22) figure scripts. A script sets MF_NAME, MF_USAGE, MF_AUTOPACK (default
# autopack of its figure) and MF_DEFAULT_TRACES / MF_QUICK_TRACES, calls mf_init "$@", then
# mf_add for every run and mf_finish.
#
# Every run uses Muri's simulator setting (--multi_resource 4 --packing_num 4 --scheme yarn): the
# muri-* policies place with Muri's yarn rule, model 4 resource stages and default to groups of
# <= 4 jobs (muri.packing_num is set explicitly on the muri-s/muri-l runs); all of them charge
# Muri's per-event restart overhead from <data>/restart_overhead_s.csv (muri.overhead_table).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mf_usage() {
  cat <<EOF
usage: scripts/$MF_NAME.sh [--data DIR] [--out DIR] [--jobs N] [--quick] [--traces LIST]
                           [--autopack on|off] [-h|--help]
$MF_USAGE
  --data DIR       Muri anchor folder with trace-data/, cluster_specs/n8g8_sim.csv and
                   restart_overhead_s.csv (default: ../shared/anchors/muri from the repo root)
  --out DIR        output folder: runs/<run>/ and summary.csv
                   (default: results/$MF_NAME, or results/${MF_NAME}_quick with --quick)
  --jobs N         parallel runs on local cores (default: 2)
  --quick          CI subset: traces $MF_QUICK_TRACES, each cut to its first $MF_QUICK_JOBS jobs
  --traces LIST    comma-separated trace names to run instead of the default
                   ($MF_DEFAULT_TRACES)
  --autopack on|off  Muri's autopack for the muri-s/muri-l runs (default: $MF_AUTOPACK, the
                   setting behind this figure; see research/tiresias_muri.md 3.3)
Finished runs (runs/<run>/summary.json present) are skipped; delete the folder to redo one.
Plot with: /usr/bin/python3 plots/${MF_PLOT}.py <out>/summary.csv
EOF
}

mf_init() {
  MF_DATA="$CS_ROOT/../shared/anchors/muri"
  MF_OUT=""
  MF_JOBS=2
  MF_QUICK=0
  MF_QUICK_JOBS="${MF_QUICK_JOBS:-100}"
  MF_TRACES=""
  while (($#)); do
    case "$1" in
      --data) MF_DATA="${2:?--data needs a folder}"; shift 2 ;;
      --out) MF_OUT="${2:?--out needs a folder}"; shift 2 ;;
      --jobs) MF_JOBS="${2:?--jobs needs a number}"; shift 2 ;;
      --quick) MF_QUICK=1; shift ;;
      --traces) MF_TRACES="${2:?--traces needs a list}"; shift 2 ;;
      --autopack) MF_AUTOPACK="${2:?--autopack needs on or off}"; shift 2 ;;
      -h|--help) mf_usage; exit 0 ;;
      *) cs_die "unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ "$MF_JOBS" =~ ^[1-9][0-9]*$ ]] || cs_die "--jobs must be a positive integer"
  [[ "$MF_AUTOPACK" == on || "$MF_AUTOPACK" == off ]] || cs_die "--autopack must be on or off"
  if [[ -z "$MF_TRACES" ]]; then
    if ((MF_QUICK)); then MF_TRACES="$MF_QUICK_TRACES"; else MF_TRACES="$MF_DEFAULT_TRACES"; fi
  fi
  if [[ -z "$MF_OUT" ]]; then
    MF_OUT="$CS_ROOT/results/$MF_NAME"
    ((MF_QUICK)) && MF_OUT+="_quick"
  fi
  local missing=()
  for f in cluster_specs/n8g8_sim.csv restart_overhead_s.csv; do
    [[ -f "$MF_DATA/$f" ]] || missing+=("$MF_DATA/$f")
  done
  IFS=, read -r -a MF_TRACE_LIST <<<"$MF_TRACES"
  for t in "${MF_TRACE_LIST[@]}"; do
    [[ -f "$MF_DATA/trace-data/$t.csv" ]] || missing+=("$MF_DATA/trace-data/$t.csv")
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
  MF_DATA="$(cd "$MF_DATA" && pwd)"
  mkdir -p "$MF_OUT/runs"
  MF_OUT="$(cd "$MF_OUT" && pwd)"
  [[ -x "$CS_BIN" ]] || cs_build clustersim >&2
  MF_MANIFEST="$MF_OUT/manifest.tsv"
  MF_TAGS="$MF_OUT/tags.tsv"
  : >"$MF_MANIFEST"
  : >"$MF_TAGS"
  MF_CLUSTER="$MF_DATA/cluster_specs/n8g8_sim.csv"
}

# mf_trace NAME: the trace file to run (with --quick, its first MF_QUICK_JOBS jobs in <out>/traces/).
mf_trace() {
  local src="$MF_DATA/trace-data/$1.csv"
  if ((MF_QUICK)); then
    mkdir -p "$MF_OUT/traces"
    local dst="$MF_OUT/traces/$1.csv"
    head -n "$((MF_QUICK_JOBS + 1))" "$src" >"$dst"
    echo "$dst"
  else
    echo "$src"
  fi
}

# mf_add RUN TAGS TRACE POLICY [--set k=v ...]: one run on n8g8 with Muri's overhead table.
# TAGS: "key=value;..." leading columns of summary.csv (figure, trace, cluster, policy, then the
# figure's own variables); mf_add appends subset (all, or firstN with --quick) and run (the folder
# name under <out>/runs/, where jobs.csv is).
mf_add() {
  local run="$1" tags="$2" trace="$3" policy="$4" subset=all
  shift 4
  if ((MF_QUICK)); then  # never mistaken for (and skipped as) a full run in the same --out
    subset="first$MF_QUICK_JOBS"
    run+="__$subset"
  fi
  local args=(--cluster "$MF_CLUSTER" --trace "$(mf_trace "$trace")" --trace-format muri
    --policy "$policy" --set "muri.overhead_table=$MF_DATA/restart_overhead_s.csv" "$@")
  local quoted
  quoted="$(printf '%q ' "${args[@]}")"
  printf '%s\t%s\n' "$MF_OUT/runs/$run" "$quoted" >>"$MF_MANIFEST"
  printf '%s\t%s\n' "$tags;subset=$subset;run=$run" "$MF_OUT/runs/$run" >>"$MF_TAGS"
}

# mf_muri_sets PACKING: the --set arguments of a muri-s/muri-l run.
mf_muri_sets() {
  echo --set "muri.autopack=$([[ $MF_AUTOPACK == on ]] && echo true || echo false)" \
    --set "muri.packing_num=$1"
}

# mf_themis_sets: the --set arguments of a muri-themis run. The paper's raw Themis numbers were
# produced with uncalibrated isolated iteration times (the makespan job of trace3 ends at
# submit + iterations x trace iteration time + overhead), so the figure runs use calibration 1;
# the policy's own default is the code's 1.015 (README, Muri baselines).
mf_themis_sets() { echo --set muri.themis.calibration=1; }

# mf_has_policy NAME: whether the binary registers the policy (for optional baselines).
# (The list is captured first: grep -q closing the pipe early would fail it under pipefail.)
mf_has_policy() {
  local list
  list="$("$CS_BIN" list 2>/dev/null)" || return 1
  grep -Eq "^[[:space:]]*$1([[:space:]]|$)" <<<"$list"
}

mf_finish() {
  local t0=$SECONDS
  cs_run_manifest "$MF_MANIFEST" "$MF_JOBS"
  "$CS_PYTHON" "$CS_ROOT/scripts/lib/collect_summary.py" "$MF_OUT/summary.csv" "$MF_TAGS"
  echo "wrote $MF_OUT/summary.csv ($(($(wc -l <"$MF_TAGS"))) runs, $((SECONDS - t0)) s)"
}
