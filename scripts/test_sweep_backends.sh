#!/usr/bin/env bash
# Runs one 12-run grid three ways and checks that the results are identical (timing fields
# aside): `clustersim sweep run` on local processes, GNU parallel on the job file of
# `sweep emit --parallel` (with --joblog, one injected failure and --resume-failed), and a
# single-node Slurm cluster (munge, slurmctld, slurmd started here with a generated slurm.conf)
# running the job array of `sweep emit --slurm` through sbatch. Installs the Debian packages
# parallel, slurm-wlm and munge with apt-get when missing. Not part of the default test suite
# (it starts daemons and needs root for them); run it by hand:
#
#   scripts/test_sweep_backends.sh [--binary PATH] [--work DIR] [--keep]
#     --binary PATH  clustersim binary (default: build/clustersim, built when missing)
#     --work DIR     scratch folder (default: a new temporary folder, removed at the end)
#     --keep         keep the scratch folder
# The daemons it started are stopped at the end (by the pids they wrote), whatever happens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

work="" keep=0
while (($#)); do
  case "$1" in
    --binary) CS_BIN="${2:?--binary needs a path}"; shift 2 ;;
    --work) work="${2:?--work needs a folder}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) cs_die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $(id -u) == 0 ]] || cs_die "needs root (it starts munged, slurmctld and slurmd)"

missing=()
for p in parallel slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ -x "$CS_BIN" ]] || cs_build clustersim >&2
CS_BIN="$(cd "$(dirname "$CS_BIN")" && pwd)/$(basename "$CS_BIN")"

if [[ -z "$work" ]]; then work="$(mktemp -d /tmp/clustersim-backends.XXXXXX)"; fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
pids=()
cleanup() {
  local f pid left=()
  for f in "${pids[@]}"; do
    if [[ -f "$f" ]]; then
      pid="$(cat "$f")"
      kill "$pid" 2>/dev/null && left+=("$pid")
    fi
  done
  for _ in $(seq 50); do  # until they are gone (at most 10 s)
    for pid in "${left[@]}"; do kill -0 "$pid" 2>/dev/null && { sleep 0.2; continue 2; }; done
    break
  done
  if ((keep == 0)); then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

# 3 policies x 4 scheduling-slot lengths on the shipped 200-job trace: 12 runs of ~0.1 s.
cat >"$work/grid.json" <<EOF
{
  "base": {"cluster": "$CS_ROOT/cluster_specs/n8g4.json", "trace": "$CS_ROOT/traces/demo_200.csv"},
  "labels": {"figure": "backends"},
  "axes": [
    {"policy": ["fifo", "srtf", "dlas-gpu"]},
    {"engine.slot_s": [40, 60, 80, 100]}
  ]
}
EOF

# same_results A B: summary.csv without wall_s, and every run's jobs.csv, cluster.csv and
# summary.json (without run.wall_s and run.policy_s) byte for byte.
same_results() {
  "$CS_PYTHON" - "$1" "$2" <<'PY'
import csv, json, os, sys
a, b = sys.argv[1:]
def table(d):
    rows = list(csv.reader(open(os.path.join(d, "summary.csv"))))
    assert rows[0][-1] == "wall_s", rows[0]
    return [r[:-1] for r in rows]
assert table(a) == table(b), "summary.csv differs"
runs = sorted(os.listdir(os.path.join(a, "runs")))
assert runs == sorted(os.listdir(os.path.join(b, "runs"))), "other run folders"
for r in runs:
    for f in ("jobs.csv", "cluster.csv", "run.json"):
        pa, pb = (os.path.join(d, "runs", r, f) for d in (a, b))
        assert open(pa, "rb").read() == open(pb, "rb").read(), f"{r}/{f} differs"
    s = [json.load(open(os.path.join(d, "runs", r, "summary.json"))) for d in (a, b)]
    for x in s:
        x["run"].pop("wall_s"); x["run"].pop("policy_s")
    assert s[0] == s[1], f"{r}/summary.json differs"
print(f"identical: summary.csv ({len(runs)} rows, wall_s aside) and {len(runs)} run folders "
      "(jobs.csv, cluster.csv, run.json byte for byte; summary.json without wall_s, policy_s)")
PY
}

echo "== local: clustersim sweep run --jobs 2"
"$CS_BIN" sweep run "$work/grid.json" --out "$work/local" --jobs 2 -q

echo "== GNU parallel: sweep emit --parallel, parallel --joblog, one failure, --resume-failed"
"$CS_BIN" sweep emit "$work/grid.json" --parallel --out "$work/parallel"
jobs="$work/parallel/parallel/jobs.txt"
joblog="$work/parallel/parallel/joblog"
victim="$(sed -n 5p "$jobs" | sed -E "s/.*--config '([^']*)'.*/\1/")"
mv "$victim" "$victim.away"  # the 5th run fails: its run.json is missing
set +e
parallel --will-cite --jobs 2 --sshlogin 2/: --joblog "$joblog" -a "$jobs"
rc=$?
set -e
echo "parallel exit code $rc (1 failed job expected)"
[[ $rc == 1 ]] || cs_die "expected exactly one failed job"
if "$CS_BIN" sweep merge "$work/parallel" 2>"$work/merge.err"; then
  cs_die "merge accepted a sweep with a failed run"
fi
cat "$work/merge.err"
mv "$victim.away" "$victim"
parallel --will-cite --jobs 2 --sshlogin 2/: --joblog "$joblog" --resume-failed -a "$jobs"
echo "joblog (Seq, Exitval, Command):"
awk -F'\t' '{ print "  " $1 "\t" $7 "\t" substr($9, 1, 110) }' "$joblog"
"$CS_BIN" sweep merge "$work/parallel"
same_results "$work/local" "$work/parallel"

echo "== Slurm: munged, slurmctld, slurmd on this host; sweep emit --slurm; sbatch --wait"
host="$(hostname -s)"
cpus="$(nproc)"
state="$work/slurm-state"
mkdir -p "$state/ctld" "$state/d" /run/munge /var/log/munge /var/lib/munge
cat >"$state/slurm.conf" <<EOF
ClusterName=clustersim
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$state/slurm.conf"
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then  # no munged running yet: start one
  munged --force 2>/dev/null
  pids+=(/run/munge/munged.pid)
  sleep 1
fi
slurmctld -f "$SLURM_CONF"
pids+=("$state/slurmctld.pid")
slurmd -f "$SLURM_CONF"
pids+=("$state/slurmd.pid")
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo
"$CS_BIN" sweep emit "$work/grid.json" --slurm --throttle 2 --out "$work/slurm"
sbatch --wait "$work/slurm/slurm/sweep.sbatch"
echo "array task outputs: $(ls "$work/slurm/slurm"/*.out | wc -l) files in $work/slurm/slurm/"
"$CS_BIN" sweep merge "$work/slurm"
same_results "$work/local" "$work/slurm"
echo "sweep backends test passed"
