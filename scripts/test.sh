#!/usr/bin/env bash
# Sets up the machine (Debian packages), builds clustersim with its tests, and runs every test
# through ctest. Anchor data is read from ../shared/anchors (override: CLUSTERSIM_ANCHORS).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
bash "$CS_ROOT/scripts/setup.sh"
cs_build
cd "$CS_BUILD"
ctest --output-on-failure -j "$CS_JOBS" --timeout 900
