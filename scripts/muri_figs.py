#!/usr/bin/env python3
"""Runs the simulations behind Muri (SIGCOMM'22) Figs. 9-13 with clustersim and writes
<out>/summary.csv (one row per run: figure,trace,cluster,policy,<figure variable>, the metric keys
of summary.json, wall_s). Called by scripts/run_muri_fig*.sh.

Settings follow Muri's simulator scripts: cluster n8g8 (1 switch x 8 nodes x 8 GPUs), yarn
placement, per-event restart overhead from restart_overhead_s.csv, autopack off for Figs. 9-12
and on for Fig. 13 (see research note tiresias_muri.md section 3.3). Themis and AntMan are not
implemented in clustersim yet; their columns of the paper figures are left out."""
import argparse
import concurrent.futures as cf
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUPING = {"muri-s", "muri-l", "muri-l-worstordering", "muri-l-noblossom"}
TRACES = ["trace1", "trace2", "trace3", "trace4"]


def runs_for(fig):
    """(trace, policy, variable name, variable value, extra --set list)"""
    out = []
    if fig == "9_10":
        for t in TRACES + [t + "_pr" for t in TRACES]:
            for p in ["muri-srtf", "muri-srsf", "muri-s", "muri-tiresias", "muri-l"]:
                out.append((t, p, "autopack", "off" if p in GROUPING else "", []))
    elif fig == "11":
        for t in TRACES:
            for p in ["muri-l", "muri-l-worstordering", "muri-l-noblossom"]:
                out.append((t, p, "autopack", "off", []))
    elif fig == "12":
        for t in [t + "_pr" for t in TRACES]:
            for k in (2, 3, 4):
                out.append((t, "muri-l", "packing_num", str(k), [f"muri.packing_num={k}"]))
    elif fig == "13":
        for t in ["job_type_1", "job_type_2", "job_type_3", "job_type_4"]:
            for p in ["muri-srtf", "muri-s", "muri-tiresias", "muri-l"]:
                out.append((t, p, "autopack", "on" if p in GROUPING else "", []))
    else:
        raise SystemExit(f"unknown figure {fig}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("figure", choices=["9_10", "11", "12", "13"])
    ap.add_argument("--data", default=os.path.normpath(os.path.join(ROOT, "..", "shared", "anchors", "muri")),
                    help="Muri anchor folder (trace-data/, cluster_specs/, restart_overhead_s.csv)")
    ap.add_argument("--out", default=None, help="output folder (default results/muri_fig<N>)")
    ap.add_argument("--jobs", type=int, default=1, help="parallel runs")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "clustersim"))
    ap.add_argument("--traces", default="", help="comma-separated subset of traces to run")
    a = ap.parse_args()
    need = [os.path.join(a.data, "trace-data"), os.path.join(a.data, "cluster_specs", "n8g8_sim.csv"),
            os.path.join(a.data, "restart_overhead_s.csv")]
    for p in need:
        if not os.path.exists(p):
            sys.exit(f"error: Muri data not found: {p}\n(pass --data DIR pointing at the Muri anchors folder)")
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"error: clustersim binary not found at {a.bin} (build first or pass --bin)")
    out = a.out or os.path.join(ROOT, "results", f"muri_fig{a.figure}")
    os.makedirs(out, exist_ok=True)
    runs = runs_for(a.figure)
    if a.traces:
        keep = set(a.traces.split(","))
        runs = [r for r in runs if r[0] in keep]
    cluster = os.path.join(a.data, "cluster_specs", "n8g8_sim.csv")

    def one(r):
        trace, policy, var, val, sets = r
        d = os.path.join(out, "runs", f"{trace}__{policy}__{var}{val}")
        cmd = [a.bin, "run", "--cluster", cluster, "--trace", os.path.join(a.data, "trace-data", trace + ".csv"),
               "--policy", policy, "--set", "muri.overhead_table=" + os.path.join(a.data, "restart_overhead_s.csv"),
               "-q", "--out", d]
        if policy in GROUPING and var == "autopack":
            cmd += ["--set", "muri.autopack=" + ("true" if val == "on" else "false")]
        elif policy in GROUPING:
            cmd += ["--set", "muri.autopack=false"]
        for s in sets:
            cmd += ["--set", s]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return r, None, p.stdout + p.stderr
        with open(os.path.join(d, "summary.json")) as f:
            return r, json.load(f), ""

    rows, keys = [], None
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for r, summ, err in ex.map(one, runs):
            trace, policy, var, val, _ = r
            if summ is None:
                print(f"FAILED {trace} {policy} {var}={val}:\n{err}", file=sys.stderr)
                continue
            metrics = {k: v for k, v in summ.items() if not isinstance(v, dict)}
            keys = keys or list(metrics)
            row = {"figure": a.figure, "trace": trace, "cluster": "n8g8", "policy": policy, var: val}
            row.update(metrics)
            row["wall_s"] = summ["run"]["wall_s"]
            rows.append(row)
            print(f"{trace:12s} {policy:22s} {var}={val:4s} avg JCT {summ['jct_mean_s']:.1f} s  "
                  f"makespan {summ['makespan_s']:.1f} s  wall {summ['run']['wall_s']:.2f} s", flush=True)
    if not rows:
        sys.exit("error: no run succeeded")
    var = runs[0][2]
    cols = ["figure", "trace", "cluster", "policy", var] + keys + ["wall_s"]
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    print(f"wrote {os.path.join(out, 'summary.csv')} ({len(rows)} runs)")


if __name__ == "__main__":
    main()
