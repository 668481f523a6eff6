#!/usr/bin/python3
"""Runs the ElasticFlow (ASPLOS'23) figure experiments on clustersim and writes <out>/summary.csv.

Used by scripts/run_fig8a.sh ... run_fig11.sh; see `--help`. The artifact's data (traces, cluster
specs, throughput tables) is read in place from --data (a checkout of pkusys/ElasticFlow's
`ElasticFlow/` folder with the elasticflow-traces submodule unpacked into traces_for_ElasticFlow).
"""
import argparse
import concurrent.futures
import csv
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "anchors", "elasticflow", "ElasticFlow")
# Policies that read ef.slot_s (the artifact's --scheduling_slot).
EF_FAMILY = {"edf", "edf-ac", "elasticflow", "elasticflow-noac", "gandiva", "tiresias-ef", "themis"}
FIG8_POLICIES = ["edf", "gandiva", "tiresias-ef", "themis", "chronus", "elasticflow"]
FIG8B_TRACES = [("cluster01", "n64g8"), ("cluster02", "n64g8"), ("cluster03", "n64g8"),
                ("cluster04", "n128g8"), ("cluster05", "n64g8"), ("cluster06", "n64g8"),
                ("cluster07", "n128g8"), ("cluster08", "n128g8"), ("cluster09", "n128g8"),
                ("cluster10", "n32g8"), ("philly_103959", "n32g8")]
SHARES = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"]


def experiments(fig, quick):
    """Yields (trace, cluster, gpu_type, slot, policy, variable_name, variable_value)."""
    if fig == "fig8a":
        for p in FIG8_POLICIES:
            yield ("elasticVpollux_e", "n16g4", "T4", 60, p, None, None)
    elif fig == "fig8b":
        traces = [("cluster10", "n32g8")] if quick else FIG8B_TRACES
        for t, c in traces:
            for p in FIG8_POLICIES:
                yield (t, c, "A100", 60, p, None, None)
    elif fig == "fig9":
        specs = [("n8g8", 64)] if quick else [("n8g8", 64), ("n16g8", 128), ("n32g8", 256)]
        pols = ["edf", "edf-ac", "elasticflow"] if quick else ["edf", "edf-ac", "elasticflow-noac", "elasticflow"]
        for c, g in specs:
            for p in pols:
                yield ("1000job_1500lam", c, "A100", 240, p, "cluster_gpus", g)
    elif fig == "fig10":
        for p in FIG8_POLICIES:
            yield ("100jobs_1500lam", "n16g8", "A100", 240, p, None, None)
    elif fig == "fig11":
        for b in (["0.5"] if quick else SHARES):
            for p in FIG8_POLICIES:
                yield (f"200jobs_900lam_{b}", "n8g8", "A100", 240, p, "best_effort_share", b)
    else:
        raise SystemExit(f"unknown figure {fig}")


def known_policies(binary):
    out = subprocess.run([binary, "list"], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if parts:
            names.add(parts[0])
    return names


def run_one(binary, data, out, e):
    trace, cluster, gpu, slot, policy, _, value = e
    name = "_".join(x for x in [trace, cluster, policy] if x)
    run_dir = os.path.join(out, "runs", name)
    # Chronus acts only at its 240-s lease boundaries (the artifact ticks every 60 s from t = 0);
    # a minimum spacing would delay a boundary that follows an arrival's scheduling point.
    min_interval = 0 if policy == "chronus" else slot
    args = [binary, "run",
            "--cluster", os.path.join(data, "scheduler", "cluster_specs", cluster + ".csv"),
            "--trace", os.path.join(data, "traces_for_ElasticFlow", trace + ".csv"),
            "--throughputs", os.path.join(data, "scheduler", "throughputs_" + gpu),
            "--policy", policy, "--out", run_dir,
            "--set", f"gpu_type={gpu}", "--set", f"engine.min_interval_s={min_interval}",
            "--set", "engine.whole_seconds=true", "--set", "engine.efficiency=true"]
    if policy in EF_FAMILY:
        args += ["--set", f"ef.slot_s={slot}"]
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        return e, None, wall, (r.stderr or r.stdout).strip().splitlines()[-1:]
    with open(os.path.join(run_dir, "summary.json")) as f:
        return e, json.load(f), wall, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("figure", choices=["fig8a", "fig8b", "fig9", "fig10", "fig11"])
    ap.add_argument("--data", default=DEFAULT_DATA, help="the artifact's ElasticFlow/ folder (default: %(default)s)")
    ap.add_argument("--out", default=None, help="output folder (default: results/<figure>)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs in parallel")
    ap.add_argument("--quick", action="store_true", help="a small subset, for CI")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "clustersim"))
    a = ap.parse_args()
    out = a.out or os.path.join("results", a.figure)
    need = [os.path.join(a.data, "scheduler", "cluster_specs"), os.path.join(a.data, "traces_for_ElasticFlow")]
    if not all(os.path.isdir(p) for p in need):
        sys.exit(f"{a.figure}: the ElasticFlow artifact data is not at {a.data}.\n"
                 "Get it from https://github.com/pkusys/ElasticFlow (folder ElasticFlow/, with the\n"
                 "microsoft/elasticflow-traces submodule's data/elasticflow-traces.tar.gz unpacked into\n"
                 "ElasticFlow/traces_for_ElasticFlow/; figs 9-11 need traces made by\n"
                 "trace_generator/generate_trace.py as in run_fig9/10/11.sh), then pass --data DIR.")
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.figure}: {a.binary} not found; build clustersim first (cmake --build build)")
    os.makedirs(out, exist_ok=True)
    have = known_policies(a.binary)
    exps = []
    for e in experiments(a.figure, a.quick):
        trace_path = os.path.join(a.data, "traces_for_ElasticFlow", e[0] + ".csv")
        if e[4] not in have:
            print(f"{a.figure}: skipping policy {e[4]} (not in this build)", file=sys.stderr)
        elif not os.path.exists(trace_path):
            print(f"{a.figure}: skipping {trace_path} (missing)", file=sys.stderr)
        else:
            exps.append(e)
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for e, summary, wall, err in pool.map(lambda e: run_one(a.binary, a.data, out, e), exps):
            if err is not None:
                print(f"{a.figure}: {e[0]} {e[1]} {e[4]} failed: {err}", file=sys.stderr)
                continue
            rows.append((e, summary, wall))
            print(f"{a.figure}: {e[0]} {e[1]} {e[4]}: ratio {summary.get('deadline_satisfaction_artifact')} "
                  f"({wall:.2f} s)", file=sys.stderr)
    var = next((e[5] for e in exps if e[5]), None)
    keys = []
    for _, s, _ in rows:
        for k, v in s.items():
            if k != "run" and not isinstance(v, (dict, list)) and k not in keys:
                keys.append(k)
    header = ["figure", "trace", "cluster", "policy"] + ([var] if var else []) + keys + ["wall_s"]
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for e, s, wall in rows:
            w.writerow([a.figure, e[0], e[1], e[4]] + ([e[6]] if var else []) +
                       ["" if s.get(k) is None else s.get(k) for k in keys] + [f"{wall:.3f}"])
    print(f"{a.figure}: wrote {os.path.join(out, 'summary.csv')} ({len(rows)} runs)", file=sys.stderr)
    return 0 if len(rows) == len(exps) else 1


if __name__ == "__main__":
    sys.exit(main())
