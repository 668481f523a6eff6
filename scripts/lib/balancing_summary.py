"""Writes <out>/summary.csv (and for mp4 <out>/timeline.csv) of a balancing reproduction.

usage: balancing_summary.py aivle|mp4|evalpro OUT_DIR [REFERENCE]
REFERENCE: aivle, the calibration JSON of `clustersim calibrate aivle --json` (its "measured"
list); mp4, the anchor's pending_jobs_timeline.csv; evalpro, none (the published numbers are
below, from the MTP presentation, seed 004). Every file is written to a temporary name and
renamed.
"""
import csv
import json
import os
import sys

# EvalPro, seed 004: S(N) = Xmax(N) / Xmax(1). The 64-core host's S(16) is 8.75 / 0.66.
EVALPRO_MEASURED = {("host16", 16): 11.23, ("host64", 16): 8.75 / 0.66, ("host64", 64): 29.6,
                    ("vm16", 16): 14.5, ("vm64", 64): 23.0}
EVALPRO_CALIBRATION = {"host16": 16, "host64": 64, "vm16": 16, "vm64": 64}


def runs(out):
    with open(os.path.join(out, "tags.tsv")) as f:
        for line in f:
            tags_text, run_dir = line.rstrip("\n").split("\t")
            tags = dict(kv.split("=", 1) for kv in tags_text.split(";") if kv)
            with open(os.path.join(run_dir, "summary.json")) as s:
                yield tags, json.load(s), run_dir


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def pct(ours, ref):
    return f"{100 * (ours / ref - 1):+.2f}"


def aivle(out, reference):
    with open(reference) as f:
        measured = {(m["nodes"], m["concurrency"]): m for m in json.load(f)["measured"]}
    rows = []
    for tags, s, _ in runs(out):
        key = (int(tags["nodes"]), int(tags["concurrency"]))
        m = measured[key]
        ours = s["makespan_release_s"]
        rows.append([key[0], key[1], f"{ours:.2f}", f"{m['makespan_s']:.2f}",
                     pct(ours, m["makespan_s"]), "/".join(map(str, s["node_tasks"])),
                     "/".join(map(str, m["node_tasks"])),
                     "s(c) from this log" if key[0] == 1 else "no (prediction)"])
    write_csv(os.path.join(out, "summary.csv"),
              ["nodes", "concurrency", "makespan_s", "measured_s", "diff_pct", "node_tasks",
               "measured_node_tasks", "calibrated"], rows)


def nodes_csv(run_dir):
    with open(os.path.join(run_dir, "nodes.csv")) as f:
        return list(csv.DictReader(f))


def mp4(out, reference):
    report, totals = {}, {}
    with open(reference) as f:
        for r in csv.DictReader(f):
            report.setdefault(r["policy"], []).append(int(r["pending_jobs_local_node"]))
            totals[r["policy"]] = float(r["reported_total_time_s"])
    rows, timeline = [], []
    for tags, s, run_dir in runs(out):
        p = tags["policy"]
        n = nodes_csv(run_dir)
        sent = int(n[0]["sent"])
        back = int(n[1]["sent"]) + int(n[1]["results"])
        rows.append([p, f"{s['makespan_s']:.2f}", f"{totals[p]:.2f}", pct(s["makespan_s"], totals[p]),
                     sent, 512, back, 512, "yes (remote speed)" if p == "sender" else "no"])
        with open(os.path.join(run_dir, "series.csv")) as f:
            ours = [int(r["queued"]) for r in csv.DictReader(f) if r["node"] == "n0"]
        for i in range(max(len(ours), len(report[p]))):
            timeline.append([p, 2 * i, ours[i] if i < len(ours) else "",
                             report[p][i] if i < len(report[p]) else ""])
    write_csv(os.path.join(out, "summary.csv"),
              ["policy", "total_s", "measured_s", "diff_pct", "transfers", "measured_transfers",
               "received", "measured_received", "calibrated"], rows)
    write_csv(os.path.join(out, "timeline.csv"), ["policy", "t_s", "ours", "report"], timeline)


def evalpro(out, _):
    x1, data = {}, []
    for tags, s, _ in runs(out):
        data.append((tags["setup"], int(tags["cores"]), s["throughput_rps"], tags["sigma"]))
        if int(tags["cores"]) == 1:
            x1[tags["setup"]] = s["throughput_rps"]
    rows = []
    for setup, n, x, sigma in data:
        speedup = x / x1[setup]
        m = EVALPRO_MEASURED.get((setup, n))
        calibrated = "sigma" if EVALPRO_CALIBRATION[setup] == n else ("no (prediction)" if m else "")
        rows.append([setup, n, f"{x:.4f}", f"{speedup:.3f}", "" if m is None else f"{m:.2f}",
                     "" if m is None else pct(speedup, m), sigma, calibrated])
    write_csv(os.path.join(out, "summary.csv"),
              ["setup", "cores", "throughput_rps", "speedup", "measured_speedup", "diff_pct",
               "sigma", "calibrated"], rows)


if __name__ == "__main__":
    mode, out = sys.argv[1], sys.argv[2]
    ref = sys.argv[3] if len(sys.argv) > 3 else ""
    {"aivle": aivle, "mp4": mp4, "evalpro": evalpro}[mode](out, ref)
