#!/usr/bin/env bash
# ElasticFlow (ASPLOS'23) Fig. 8a: deadline satisfactory ratio of EDF, Gandiva, Tiresias, Themis,
# Chronus and ElasticFlow on the 195-job elasticVpollux_e trace, 16x4 T4 GPUs, slot 60 s.
# The grid is scripts/grids/elasticflow_fig8a.json; see --help for the options.
set -euo pipefail
EF_FIGURE=8a
EF_USAGE="Fig. 8a: EDF, Gandiva, Tiresias, Themis, Chronus, ElasticFlow on elasticVpollux_e (n16g4, T4)."
source "$(dirname "${BASH_SOURCE[0]}")/lib/ef_figs.sh"
ef_main "$@"
