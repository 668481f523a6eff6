#!/usr/bin/env bash
# ElasticFlow (ASPLOS'23) Fig. 8b: deadline satisfactory ratio of EDF, Gandiva, Tiresias, Themis,
# Chronus and ElasticFlow on the ten cluster traces and the Philly trace (A100 tables, slot 60 s).
# The grid is scripts/grids/elasticflow_fig8b.json; see --help for the options.
set -euo pipefail
EF_FIGURE=8b
EF_USAGE="Fig. 8b: the six systems on cluster01..cluster10 and philly_103959, each on its cluster (A100)."
EF_QUICK_ONLY=trace=cluster10
EF_QUICK_ABOUT="cluster10 only"
source "$(dirname "${BASH_SOURCE[0]}")/lib/ef_figs.sh"
ef_main "$@"
