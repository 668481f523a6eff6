#!/usr/bin/env bash
# Reproduces ElasticFlow (ASPLOS'23) fig8a with clustersim: writes <out>/summary.csv and one
# folder per run under <out>/runs/. Options: --data DIR (the artifact's ElasticFlow/ folder;
# default ../shared/anchors/elasticflow/ElasticFlow next to the repository), --out DIR,
# --jobs N (runs in parallel), --quick (a small subset for CI). Plot with plots/fig8a.py.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/ef_figures.py" fig8a "$@"
