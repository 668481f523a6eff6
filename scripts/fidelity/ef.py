"""ElasticFlow (ASPLOS'23) figures against the artifact's own runs
(anchors/elasticflow/reference_runs: summary_<experiment>.csv and, per policy,
<experiment>/<artifact policy>/job.csv), through scripts/run_fig8a.sh ... run_fig11.sh.

Per experiment and policy: the deadline ratio against the summary (kept there to 4 decimals),
and for the six policies replayed job by job the number of jobs whose start and end equal the
artifact's logged ones (jobs logged on one side only count as different)."""
import os

from common import Row, num, read_csv

OURS = {"edf": "edf", "edf-accessctrl": "edf-ac", "ef": "elasticflow-noac",
        "ef-accessctrl": "elasticflow", "gandiva": "gandiva", "dlas-gpu": "tiresias-ef",
        "themis": "themis"}
# Replayed job by job, so exact to the summary's 4 decimals.
EXACT = {"edf", "edf-ac", "elasticflow-noac", "elasticflow", "gandiva", "tiresias-ef"}
RATIO_TOL = 5e-5
THEMIS_TOL = 0.02  # the program has many optimal points; which one is taken decides the order
KNOWN = {
    ("fig11_0.5", "themis"):
        "Themis takes another optimal point of the same min-max program than the reference run's "
        "bisection stand-in for cvxpy/ECOS (docs/elasticflow.md; issue 16 item 7)",
}


def experiment(figure, row):
    if figure == "fig9":
        return f"fig9_{row['cluster']}"
    if figure == "fig11":
        return f"fig11_{row['best_effort_share']}"
    return figure


def label(exp):
    return exp.replace("fig9_", "").replace("fig11_", "share ").replace("fig8a", "").replace("fig10", "").strip()


def times(rows, start_key, end_key):
    return {r["job_id"]: (num(r.get(start_key)), num(r[end_key])) for r in rows}


def rows(ctx, figure, quick=False):
    """`figure` is fig8a ... fig11; `quick`: the quick guard runs the script's --quick subset (whose
    runs are full-trace runs of some of the figure's points, so they are checked as any other)."""
    out = ctx.work(f"elasticflow_{figure}")
    ctx.script(f"run_{figure}.sh", "--data", ctx.anchor("elasticflow", "ElasticFlow"), "--out", out,
               "--jobs", ctx.jobs, "--binary", ctx.binary, *(["--quick"] if quick and not ctx.full else []))
    ours = {}
    for r in read_csv(os.path.join(out, "summary.csv")):
        ours[(experiment(figure, r), r["policy"])] = r
    refs = os.path.join(ctx.anchors, "elasticflow", "reference_runs")
    for exp in sorted({e for e, _ in ours}):
        summary = {r["policy"]: r for r in read_csv(ctx.anchor("elasticflow", "reference_runs", f"summary_{exp}.csv"))}
        for artifact in sorted(os.listdir(os.path.join(refs, exp))):
            policy = OURS[artifact]
            name = f"{label(exp)} {policy}".strip()
            r = ours.get((exp, policy))
            ref_ratio = float(summary[artifact]["ddl_ratio(final_result)"])
            ratio = num(r["deadline_satisfaction_artifact"]) if r else None
            if policy not in EXACT:
                yield Row(f"{name}: deadline ratio", ratio, ref_ratio, THEMIS_TOL, reason=KNOWN.get((exp, policy)))
                continue
            yield Row(f"{name}: deadline ratio", ratio, ref_ratio, RATIO_TOL, reason=KNOWN.get((exp, policy)))
            theirs = times(read_csv(os.path.join(refs, exp, artifact, "job.csv")), "start_time", "end_time")
            same = None
            if r:
                jobs = read_csv(os.path.join(out, r["run_dir"], "jobs.csv"))
                done = [j for j in jobs if j["status"] == "finished"]
                # The artifact's logged start where the policy reports it, else the first start.
                start = "ef_start_s" if done and "ef_start_s" in done[0] else "first_start_s"
                mine = times(done, start, "finish_s")
                same = sum(1 for k, t in theirs.items() if mine.get(k) == t) - len(set(mine) - set(theirs))
            yield Row(f"{name}: jobs with the artifact's start and end", same, len(theirs), 0)
