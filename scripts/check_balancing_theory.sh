#!/usr/bin/env bash
# The balancing engine against queueing theory: runs the Catch2 tests that compare simulated
# means (95 % Student-t intervals over replications) with M/M/1, E_k/M/1, M/M/c (Erlang C) and
# the supermarket fixed point, and prints one line per case:
#   <case>: simulated <mean> +- <half width>, theory <closed form>
# Default: the long, high-load set ([balancing-theory-long], minutes); --quick: the default
# suite's moderate-load set ([balancing][theory], seconds).
#
#   scripts/check_balancing_theory.sh [--quick] [BUILD_DIR]
set -euo pipefail
tag="[balancing-theory-long]" build=build
for a in "$@"; do
  if [[ "$a" == --quick ]]; then tag="[balancing][theory]"; else build="$a"; fi
done
tests="$build/tests/clustersim_tests"
[[ -x "$tests" ]] || { echo "no $tests: build the clustersim_tests target first" >&2; exit 2; }
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
"$tests" "$tag" -s >"$out" 2>&1 || status=$?
grep -E "simulated .* theory" "$out" | sed 's/^ *//' | sort -u
tail -n 2 "$out"
exit $status
