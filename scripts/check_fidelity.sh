#!/usr/bin/env bash
# The fidelity guard: runs every reproduced figure (Tiresias' 60-job runs, Muri figs 9-13,
# ElasticFlow figs 8a-11, the balancing reproductions: aiVLE, MP4, EvalPro, Clockwork fig 11) and
# prints one table: figure, point, ours, reference, difference, tolerance, PASS / FAIL / KNOWN (a
# documented exception, with its reason). Expected values are read from the anchors. Exits 1 on
# any unexplained failure.
#   scripts/check_fidelity.sh [--full] [--binary PATH] [--anchors DIR] [--out DIR] [--jobs N]
#                             [--only NAMES] [--list]
# The quick default (a subset, under a minute on 2 cores) is a ctest; --full is what
# docs/*.md quote. Checkers: scripts/fidelity/checks/*.py (see scripts/fidelity/README.md).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
exec "$CS_PYTHON" "$CS_ROOT/scripts/fidelity/check.py" "$@"
