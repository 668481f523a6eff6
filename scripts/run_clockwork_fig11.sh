#!/usr/bin/env bash
# Clockwork (OSDI'20) Fig. 11, "Can Clockwork scale?": peak goodput of the clockwork policy on
# N = 10, 20, ..., 150 emulated V100s under azure_scalability_exp, 3 seeds each, and the linear
# regime without controller cost (N = 10..50, seed 1, variant=zero_cost).
# The grid is scripts/grids/clockwork_fig11.json; see --help for the options.
set -euo pipefail
CW_FIGURE=fig11
CW_USAGE="Fig. 11: peak goodput vs workers (clockwork, azure_scalability_exp, 3 seeds)."
CW_QUICK_ABOUT="N = 10 and 40, seed 1, a 10x shorter ramp (6-s load-factor steps and buckets)"
CW_QUICK=(--only workers=10 --only workers=40 --only seed=1 --var lf_period=6 --var bucket=6)
source "$(dirname "${BASH_SOURCE[0]}")/lib/serving_figs.sh"
cw_main "$@"
