#!/usr/bin/env bash
# EvalPro's throughput scalability (research/loadbalancing.md section 3; the MTP presentation,
# seed 004): S(N) for closed loops on the 16- and 64-core hosts and isolated VMs with a linear
# per-core contention; sigma per setup from its published S at the largest N, the rest
# predicted. The published numbers are in the grid (no EvalPro data is public).
# The grid is scripts/grids/evalpro.json; see --help for the options.
set -euo pipefail
BL_FIGURE=evalpro
BL_ANCHOR=""
BL_ABOUT="EvalPro S(N) = X(N)/X(1) on the 16- and 64-core hosts and isolated VMs vs the published points."
BL_QUICK_ABOUT="the 16-core host and 16 VMs"
BL_QUICK=(--only setup=host16 --only setup=vm16)
source "$(dirname "${BASH_SOURCE[0]}")/lib/balancing_figs.sh"
bl_main "$@"
