# Sourced by the scripts in scripts/: repository root, the matplotlib interpreter, building.
CS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS_BUILD="${CS_BUILD:-$CS_ROOT/build}"
CS_BIN="$CS_BUILD/clustersim"
# Debian's python3-matplotlib installs into /usr/bin/python3; another python3 may come first on
# PATH (pyenv, conda) without matplotlib.
if [[ -x /usr/bin/python3 ]]; then CS_PYTHON=/usr/bin/python3; else CS_PYTHON=python3; fi
CS_JOBS="${CS_JOBS:-$(nproc 2>/dev/null || echo 2)}"

cs_build() {  # configure once, then build incrementally; extra args are build targets
  if [[ ! -f "$CS_BUILD/CMakeCache.txt" ]]; then
    cmake -S "$CS_ROOT" -B "$CS_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$CS_BUILD" -j "$CS_JOBS" "${targets[@]}"
}

cs_median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }  # of stdin's lines

cs_die() { echo "$(basename "$0"): $*" >&2; exit 2; }
