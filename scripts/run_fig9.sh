#!/usr/bin/env bash
# ElasticFlow (ASPLOS'23) Fig. 9: the ablation (EDF, + admission control, + elastic scaling,
# ElasticFlow) on 1000job_1500lam with 64, 128 and 256 A100 GPUs, slot 240 s.
# The grid is scripts/grids/elasticflow_fig9.json; see --help for the options.
set -euo pipefail
EF_FIGURE=9
EF_USAGE="Fig. 9: EDF, EDF + admission control, EDF + elastic scaling, ElasticFlow on 1000job_1500lam with
n8g8, n16g8, n32g8 (A100)."
EF_QUICK_ONLY=cluster=n8g8
EF_QUICK_ABOUT="n8g8 (64 GPUs) only"
source "$(dirname "${BASH_SOURCE[0]}")/lib/ef_figs.sh"
ef_main "$@"
