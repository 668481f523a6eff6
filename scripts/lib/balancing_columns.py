"""Adds the comparison columns of a balancing reproduction to its merged summary.csv.

usage: balancing_columns.py aivle|mp4|evalpro OUT_DIR [REFERENCE]

OUT_DIR/summary.csv is what `clustersim sweep merge` wrote (grid columns, run_dir, the
summary.json metrics, wall_s); this appends columns after those, rewriting the file atomically
(running it again replaces them):
  aivle    measured_s, diff_pct (makespan_release_s vs measured_s), node_tasks,
           measured_node_tasks, calibrated; REFERENCE: the JSON of `clustersim calibrate aivle
           --json` (its "measured" list, read from the web logs)
  mp4      measured_s, diff_pct (makespan_s vs the reported total), sent, received,
           measured_sent, measured_received, calibrated; and OUT_DIR/timeline.csv
           (migration,t_s,ours,report); REFERENCE: the anchor's pending_jobs_timeline.csv
  evalpro  speedup (throughput_rps / the setup's at cores = 1), diff_pct (vs the grid's
           published_speedup)
"""
import csv
import json
import os
import sys

# The report (anchors/mp4_g09/PROVENANCE.md): "512 jobs sent / 512 received in each run".
MP4_REPORT_SENT = 512
ADDED = {
    "aivle": ["measured_s", "diff_pct", "node_tasks", "measured_node_tasks", "calibrated"],
    "mp4": ["measured_s", "diff_pct", "sent", "received", "measured_sent", "measured_received",
            "calibrated"],
    "evalpro": ["speedup", "diff_pct"],
}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def pct(ours, ref):
    return f"{100 * (ours / ref - 1):+.2f}"


def aivle(out, rows, reference):
    with open(reference) as f:
        measured = {(m["nodes"], m["concurrency"]): m for m in json.load(f)["measured"]}
    for r in rows:
        key = (int(r["nodes"]), int(r["concurrency"]))
        m = measured[key]
        with open(os.path.join(out, r["run_dir"], "summary.json")) as f:
            s = json.load(f)
        r["measured_s"] = f"{m['makespan_s']:.3f}"
        r["diff_pct"] = pct(float(r["makespan_release_s"]), m["makespan_s"])
        r["node_tasks"] = "/".join(map(str, s["node_tasks"]))
        r["measured_node_tasks"] = "/".join(map(str, m["node_tasks"]))
        r["calibrated"] = "s(c) from this log" if key[0] == 1 else "no (prediction)"


def mp4(out, rows, reference):
    report, totals = {}, {}
    for t in read_csv(reference):
        report.setdefault(t["policy"], []).append(int(t["pending_jobs_local_node"]))
        totals[t["policy"]] = float(t["reported_total_time_s"])
    timeline = []
    for r in rows:
        p = r["migration"]
        run_dir = os.path.join(out, r["run_dir"])
        n = read_csv(os.path.join(run_dir, "nodes.csv"))
        r["measured_s"] = f"{totals[p]:.3f}"
        r["diff_pct"] = pct(float(r["makespan_s"]), totals[p])
        r["sent"] = n[0]["sent"]
        r["received"] = int(n[1]["sent"]) + int(n[1]["results"])
        r["measured_sent"] = r["measured_received"] = MP4_REPORT_SENT
        r["calibrated"] = "yes (remote speed)" if p == "sender" else "no"
        ours = [int(s["queued"]) for s in read_csv(os.path.join(run_dir, "series.csv"))
                if s["node"] == "n0"]
        for i in range(max(len(ours), len(report[p]))):
            timeline.append({"migration": p, "t_s": 2 * i,
                             "ours": ours[i] if i < len(ours) else "",
                             "report": report[p][i] if i < len(report[p]) else ""})
    write_csv(os.path.join(out, "timeline.csv"), ["migration", "t_s", "ours", "report"], timeline)


def evalpro(out, rows, _):
    x1 = {r["setup"]: float(r["throughput_rps"]) for r in rows if r["cores"] == "1"}
    for r in rows:
        speedup = float(r["throughput_rps"]) / x1[r["setup"]]
        r["speedup"] = f"{speedup:.3f}"
        published = r["published_speedup"]
        r["diff_pct"] = pct(speedup, float(published)) if published else ""


def main():
    mode, out = sys.argv[1], sys.argv[2]
    reference = sys.argv[3] if len(sys.argv) > 3 else ""
    path = os.path.join(out, "summary.csv")
    rows = read_csv(path)
    with open(path, newline="") as f:
        header = [c for c in next(csv.reader(f)) if c not in ADDED[mode]]
    for r in rows:
        for c in ADDED[mode]:
            r.pop(c, None)
    {"aivle": aivle, "mp4": mp4, "evalpro": evalpro}[mode](out, rows, reference)
    write_csv(path, header + ADDED[mode], rows)


if __name__ == "__main__":
    main()
