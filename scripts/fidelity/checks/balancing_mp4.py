"""CS423 MP4, Group 09: the sender, receiver and symmetric totals of 1024 jobs on two nodes through
scripts/run_mp4.sh. Two rows per policy: the issue's target, a total within 97-101 s (shown as
99 +- 2), and the reported total (anchors/mp4_g09/pending_jobs_timeline.csv) within 2 %
(docs/balancing.md: within 1.8 %; the sender total is the calibration point). Runs in a second,
so the quick guard runs the same."""
import os

from common import Row, num, read_csv

FIGURE = "MP4 totals"


def rows(ctx):
    data = ctx.anchor("mp4_g09")
    out = ctx.work("mp4")
    ctx.script("run_mp4.sh", "--data", data, "--out", out, "--jobs", ctx.jobs, "--binary", ctx.binary)
    reported = {r["policy"]: float(r["reported_total_time_s"])
                for r in read_csv(os.path.join(data, "pending_jobs_timeline.csv"))}
    for r in read_csv(os.path.join(out, "summary.csv")):
        p = r["migration"]
        total = num(r["makespan_s"])
        yield Row(f"{p}: total (s) in 97-101", total, 99.0, 2.0)
        yield Row(f"{p}: total (s) vs reported", total, reported[p], 0.02, rel=True)
