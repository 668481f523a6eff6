#!/usr/bin/env bash
# ElasticFlow (ASPLOS'23) Fig. 11: deadline satisfactory ratio and best-effort JCT of EDF, Gandiva,
# Tiresias, Themis, Chronus and ElasticFlow with 10 % .. 90 % best-effort jobs, 8x8 A100 GPUs.
# The grid is scripts/grids/elasticflow_fig11.json; see --help for the options.
set -euo pipefail
EF_FIGURE=11
EF_USAGE="Fig. 11: the six systems on 200jobs_900lam_0.1 .. 0.9 (n8g8, A100)."
EF_QUICK_ONLY=best_effort_share=0.5
EF_QUICK_ABOUT="best-effort share 0.5 only"
source "$(dirname "${BASH_SOURCE[0]}")/lib/ef_figs.sh"
ef_main "$@"
