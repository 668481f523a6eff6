#!/usr/bin/env bash
# ElasticFlow (ASPLOS'23) Fig. 10: cluster efficiency over time of EDF, Gandiva, Tiresias, Themis,
# Chronus and ElasticFlow on 100jobs_1500lam, 16x8 A100 GPUs, slot 240 s.
# The grid is scripts/grids/elasticflow_fig10.json; see --help for the options.
set -euo pipefail
EF_FIGURE=10
EF_USAGE="Fig. 10: the six systems' cluster efficiency on 100jobs_1500lam (n16g8, A100)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/ef_figs.sh"
ef_main "$@"
