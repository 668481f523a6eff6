#!/usr/bin/env bash
# Fuzzes the input readers: builds the libFuzzer targets of tests/fuzz (clang-14 with ASan and
# UBSan, in their own build folder) and runs each one, then prints one row per target:
# executions, crashes, leaks, timeouts, out-of-memory. Exit 1 if any target found anything.
#
# Corpus: build-fuzz/corpus/<target>/ (kept between runs, so campaigns add up), seeded from
# tests/fuzz/seeds/<target>/ and the shipped inputs of tests/fuzz/shipped_seeds.tsv; dictionary
# tests/fuzz/dict/<target>.dict. Inputs that fail are saved as build-fuzz/artifacts/<target>/
# {crash,leak,timeout,oom}-<sha1>; fix the reader, then copy the file to
# tests/fuzz/regressions/<target>/ so the default test suite replays it.
# Fuzzers run under `nice -n $CS_NICE` (default 19): other work on the machine keeps priority.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<EOF
usage: scripts/fuzz.sh [--seconds S] [--runs N] [--build DIR] [--list] [TARGET...]
  --seconds S   time budget per target (default 60 when --runs is not given)
  --runs N      stop each target after N executions
  --build DIR   build folder (default: build-fuzz next to build)
  --list        print the target names and exit
  TARGET        target names (tests/fuzz/targets/<name>.cpp; default: all)
Needs clang-14 and libclang-rt-14-dev (scripts/setup.sh --fuzz installs them).
EOF
}

seconds="" runs="" list=0 targets=()
build="${CS_FUZZ_BUILD:-$CS_ROOT/build-fuzz}"
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --build) build="${2:?--build needs a folder}"; shift 2 ;;
    --list) list=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) cs_die "unknown option '$1' (see --help)" ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ -z "$seconds" || "$seconds" =~ ^[1-9][0-9]*$ ]] || cs_die "--seconds must be a positive integer"
[[ -z "$runs" || "$runs" =~ ^[1-9][0-9]*$ ]] || cs_die "--runs must be a positive integer"
[[ -n "$seconds" || -n "$runs" ]] || seconds=60

fuzz_dir="$CS_ROOT/tests/fuzz"
all=()
for f in "$fuzz_dir"/targets/*.cpp; do all+=("$(basename "$f" .cpp)"); done
if ((list)); then printf '%s\n' "${all[@]}"; exit 0; fi
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ -f "$fuzz_dir/targets/$t.cpp" ]] || cs_die "unknown target '$t' (known: ${all[*]})"
done
command -v clang++-14 >/dev/null || cs_die "clang++-14 not found: run scripts/setup.sh --fuzz"

nice_level="${CS_NICE:-19}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then  # CMakePresets.json "fuzz", in $build
  (cd "$CS_ROOT" && cmake --preset fuzz -B "$build" >/dev/null)
fi
build_args=()
for t in "${targets[@]}"; do build_args+=(--target "fuzz_$t"); done
cmake --build "$build" -j "$CS_JOBS" "${build_args[@]}" >&2

# seeds/<target>/: the checked-in seeds plus the shipped inputs listed for the target.
stage_seeds() {
  local t="$1" dst="$build/seeds/$1"
  rm -rf "$dst" && mkdir -p "$dst"
  if [[ -d "$fuzz_dir/seeds/$t" ]]; then cp "$fuzz_dir/seeds/$t"/* "$dst"/; fi
  local target glob f
  while IFS=$'\t' read -r target glob; do
    [[ "$target" == "$t" ]] || continue
    for f in "$CS_ROOT"/$glob; do
      [[ -f "$f" ]] && cp "$f" "$dst/shipped_$(echo "${f#"$CS_ROOT"/}" | tr '/' '_')"
    done
  done < <(grep -v '^#' "$fuzz_dir/shipped_seeds.tsv")
}

count() { find "$1" -maxdepth 1 -name "$2-*" 2>/dev/null | wc -l; }

rows=() failed=0
for t in "${targets[@]}"; do
  stage_seeds "$t"
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$build/logs"
  rm -rf "$artifacts" && mkdir -p "$artifacts"
  args=(-max_len=16384 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1
    "-artifact_prefix=$artifacts/")
  [[ -f "$fuzz_dir/dict/$t.dict" ]] && args+=("-dict=$fuzz_dir/dict/$t.dict")
  [[ -n "$seconds" ]] && args+=("-max_total_time=$seconds")
  [[ -n "$runs" ]] && args+=("-runs=$runs")
  echo "fuzz: $t ${seconds:+${seconds}s }${runs:+${runs} runs}(log: $log)" >&2
  t0=$SECONDS
  status=0
  nice -n "$nice_level" "$build/tests/fuzz/fuzz_$t" "${args[@]}" "$corpus" \
    "$build/seeds/$t" >"$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' ||
    true)
  if [[ -z "$execs" ]]; then  # killed before the final stats: the last status line
    execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
  fi
  crashes=$(count "$artifacts" crash) leaks=$(count "$artifacts" leak)
  timeouts=$(count "$artifacts" timeout) ooms=$(count "$artifacts" oom)
  # A failure that left no artifact (e.g. the target could not start) still counts.
  if ((status != 0 && crashes + leaks + timeouts + ooms == 0)); then crashes=1; fi
  ((crashes + leaks + timeouts + ooms == 0)) || failed=1
  rows+=("$(printf '%-22s %12s %8s %6s %9s %5s %8s' "$t" "${execs:-0}" "$crashes" "$leaks" \
    "$timeouts" "$ooms" "$((SECONDS - t0))")")
done

printf '%-22s %12s %8s %6s %9s %5s %8s\n' target executions crashes leaks timeouts ooms seconds
printf '%s\n' "${rows[@]}"
if ((failed)); then
  echo "fuzz: failures found; inputs in $build/artifacts/<target>/, logs in $build/logs/" >&2
  exit 1
fi
