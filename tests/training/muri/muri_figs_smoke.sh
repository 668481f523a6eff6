#!/usr/bin/env bash
# ctest smoke test of the Muri figure pipeline: scripts/run_muri_fig13.sh --quick (16 runs of 60
# jobs), its summary.csv, plots/muri_fig13.py and the scripts' argument checks. A few seconds.
# usage: muri_figs_smoke.sh BIN_DIR ANCHORS_MURI OUT_DIR
set -euo pipefail
bin_dir="$1" data="$2" out="$3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
"$root/scripts/run_muri_fig13.sh" --binary "$bin_dir/clustersim" --quick --jobs 2 --data "$data" \
  --out "$out/fig13"
csv="$out/fig13/summary.csv"
[[ "$(head -1 "$csv")" == figure,subset,job_type,models,autopack,cluster,trace,policy,muri.autopack,muri.packing_num,run_dir,* ]] ||
  fail "unexpected header: $(head -1 "$csv")"
[[ "$(wc -l <"$csv")" -eq 17 ]] || fail "expected 16 runs in $csv"
/usr/bin/python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    assert r["jobs"] == r["jobs_finished"] == "60", r
    assert r["subset"] == "first60" and r["cluster"] == "n8g8", r
    assert r["autopack"] == ("on" if r["policy"] in ("muri-s", "muri-l") else "n/a"), r
assert {r["policy"] for r in rows} == {"muri-srtf", "muri-tiresias", "muri-s", "muri-l"}
PY
/usr/bin/python3 "$root/plots/muri_fig13.py" "$csv" --data "$data" >"$out/plot.txt"
grep -q 'SRTF / Muri-S' "$out/plot.txt" || fail "plot table lacks SRTF / Muri-S"
[[ -s "$out/fig13/muri_fig13.png" && -s "$out/fig13/muri_fig13.pdf" ]] || fail "no PNG/PDF"

# bad arguments and missing data: exit 2 with a message
set +e
"$root/scripts/run_muri_fig13.sh" --binary "$bin_dir/clustersim" --jobs 0 --out "$out/bad" 2>"$out/err1"; rc1=$?
"$root/scripts/run_muri_fig13.sh" --binary "$bin_dir/clustersim" --data "$out/nowhere" --out "$out/bad" \
  2>"$out/err2"; rc2=$?
set -e
{ [[ $rc1 -eq 2 ]] && grep -q -- "--jobs" "$out/err1"; } || fail "--jobs 0 not rejected"
{ [[ $rc2 -eq 2 ]] && grep -q "Rivendile/Muri" "$out/err2"; } || fail "missing data not explained"
echo "muri figure smoke test passed"
