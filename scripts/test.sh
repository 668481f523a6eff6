#!/usr/bin/env bash
# Sets up the machine (Debian packages), builds clustersim with its tests, and runs every test
# through ctest. Anchor data is read from ../shared/anchors (override: CLUSTERSIM_ANCHORS).
#
#   scripts/test.sh              the default suite (Release, build/)
#   scripts/test.sh --sanitize   the same suite built with AddressSanitizer + UndefinedBehavior-
#                                Sanitizer (CMakePresets.json "asan-ubsan", build-asan/); the
#                                first report stops the test that made it and fails it
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
sanitize=0
while (($#)); do
  case "$1" in
    --sanitize) sanitize=1; shift ;;
    -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) cs_die "unknown argument '$1' (see --help)" ;;
  esac
done
bash "$CS_ROOT/scripts/setup.sh"
if ((sanitize)); then
  CS_BUILD="${CS_ASAN_BUILD:-$CS_ROOT/build-asan}"
  if [[ ! -f "$CS_BUILD/CMakeCache.txt" ]]; then
    (cd "$CS_ROOT" && cmake --preset asan-ubsan -B "$CS_BUILD" >/dev/null)
  fi
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  cs_build clustersim clustersim_tests
else
  cs_build
fi
cd "$CS_BUILD"
ctest --output-on-failure -j "$CS_JOBS" --timeout 900
