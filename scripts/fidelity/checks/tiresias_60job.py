"""Tiresias simulator (SymbioticLab/Tiresias): every schedule on its 60-job trace, 8 and 16 GPUs,
default and 300/1000 s queue thresholds, through scripts/run_tiresias.sh, against the original's
runs (anchors/tiresias/reference_runs: summary.csv, and <run set>/<schedule>-count.job.csv).
Runs are identical to the original: avg JCT to its 2 printed decimals, makespan and preemptions
exactly, and every job's JCT and first start."""
import os

from common import Row, num, read_csv

FIGURE = "Tiresias 60-job runs"
ORIGINAL = {"srtf": "shortest", "srsf": "shortest-gpu"}


def rows(ctx):
    data = ctx.anchor("tiresias")
    out = ctx.work("tiresias")
    ctx.script("run_tiresias.sh", "--data", data, "--out", out, "--jobs", ctx.jobs, "--binary", ctx.binary)
    ours = {}
    for r in read_csv(os.path.join(out, "summary.csv")):
        run_set = r["cluster"] + ("_q300_1000" if r["tiresias.queue_limits"] == "300,1000" else "_default")
        ours[(run_set, ORIGINAL.get(r["policy"], r["policy"]))] = (r, r["run_dir"])
    for ref in read_csv(os.path.join(data, "reference_runs", "summary.csv")):
        key = (ref["run_set"], ref["schedule"])
        if key not in ours:
            continue  # a schedule clustersim does not offer (gandiva, lpjf with count placement)
        r, name = ours[key]
        who = f"{ref['run_set']} {r['policy']}"
        yield Row(f"{who}: avg JCT (s)", num(r["jct_mean_s"]), float(ref["avg_jct_s"]), 0.005)
        yield Row(f"{who}: makespan (s)", num(r["makespan_s"]), float(ref["makespan_s"]), 0)
        yield Row(f"{who}: preemptions", num(r["preemptions"]), float(ref["total_preempts"]), 0)
        path = os.path.join(data, "reference_runs", ref["run_set"], f"{ref['schedule']}-{ref['scheme']}.job.csv")
        if os.path.exists(path):
            theirs = {j["job_id"]: (float(j["JCT"]), float(j["start_time"])) for j in read_csv(path)}
            mine = {j["job_id"]: (num(j["jct_s"]), num(j["first_start_s"]))
                    for j in read_csv(os.path.join(out, name, "jobs.csv"))}
            same = sum(1 for k, v in theirs.items() if mine.get(k) == v)
            yield Row(f"{who}: jobs with the original's JCT and start", same, len(theirs), 0)
