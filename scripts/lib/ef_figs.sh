# shellcheck shell=bash
# Sourced by scripts/run_fig8a.sh ... run_fig11.sh, the ElasticFlow (ASPLOS'23) figure scripts:
# each runs its grid scripts/grids/elasticflow_fig*.json through `clustersim sweep run`. A script
# sets EF_FIGURE (8a, 8b, 9, 10 or 11), EF_USAGE, and for a figure with a --quick subset
# EF_QUICK_ONLY (a `sweep run --only` filter) and EF_QUICK_ABOUT, then calls ef_main "$@".
source "$(dirname "${BASH_SOURCE[0]}")/sweep_script.sh"

# ef_missing GRID [ARGS...]: the cluster, trace and throughput files of the runs that
# `sweep expand GRID ARGS` lists that are missing under SW_DATA.
ef_missing() {
  "$SW_BINARY" sweep expand "$@" --var "data=$SW_DATA" --json 2>/dev/null | "$CS_PYTHON" -c '
import json, os, sys
seen = set()
for line in sys.stdin:
    c = json.loads(line)["config"]
    for k in ("cluster", "trace", "throughputs"):
        if c.get(k) and c[k] not in seen and not os.path.exists(c[k]):
            seen.add(c[k])
            print(c[k])'
}

ef_main() {
  local grid="$CS_ROOT/scripts/grids/elasticflow_fig$EF_FIGURE.json"
  SW_NAME="run_fig$EF_FIGURE"
  SW_ANCHOR=elasticflow/ElasticFlow
  SW_ABOUT="$EF_USAGE"
  if [[ -n "${EF_QUICK_ONLY:-}" ]]; then
    SW_QUICK_ABOUT="CI subset: $EF_QUICK_ABOUT (subset=quick in summary.csv; the plot says so)"
  else
    SW_QUICK_ABOUT="the same runs (the figure is already small)"
  fi
  SW_PLOT="/usr/bin/python3 plots/fig$EF_FIGURE.py <out>/summary.csv"
  sw_init "$@"
  local args=() missing
  if ((SW_QUICK)) && [[ -n "${EF_QUICK_ONLY:-}" ]]; then
    args+=(--only "$EF_QUICK_ONLY" --var subset=quick)
  fi
  missing="$(ef_missing "$grid" "${args[@]}")"
  if [[ ! -d "$SW_DATA/scheduler/cluster_specs" || -n "$missing" ]]; then
    {
      echo "$SW_NAME: ElasticFlow artifact data not found under ${SW_DATA:-(no --data)}:"
      if [[ -n "$missing" ]]; then sed 's/^/  /' <<<"$missing"; fi
      echo "  --data must point at the artifact's ElasticFlow/ folder (shared/anchors/elasticflow/ElasticFlow,"
      echo "  see its PROVENANCE.md): github.com/pkusys/ElasticFlow's ElasticFlow/ with the"
      echo "  microsoft/elasticflow-traces submodule's data/elasticflow-traces.tar.gz unpacked into"
      echo "  traces_for_ElasticFlow/; figs 9-11 need the traces made by trace_generator/generate_trace.py"
      echo "  as in the artifact's run_fig9/10/11.sh."
    } >&2
    exit 2
  fi
  sw_sweep "$grid" "${args[@]}"
}
