"""Clockwork (OSDI'20) Fig. 11 through scripts/run_clockwork_fig11.sh (docs/serving.md, RESULTS):
(a) the linear regime: without controller cost, peak goodput per GPU at N = 10..50 (quick: N = 10,
    one ~6-s run) within 6 % of what the GPUs serve at full batches for the run's request mix, as
    `clustersim maf inspect --zoo` computes it from the anchors' zoo and the generated day (seed 1):
    +1.0 % at N = 10 down to -5.1 % at N = 50, where every model's copies are spread over more
    GPUs and batches are smaller (mean 5.6 -> 5.1);
(b) the same runs, and the median peak goodput over 3 seeds at N = 10..150 (full only), against the
    third-party re-run of the artifact (anchors clockwork/fig11b_*.tsv, one trial).
The reference's linear slope (~970 r/s per GPU) is not ours (~1,750: 1.8x, at every N = 10..50);
docs/serving.md explains it, so those rows are documented exceptions, and so are N = 60 and 70,
where our knee comes earlier. From N = 80 on, where the controller CPU model sets the goodput,
the points are held to 10 %."""
import os
import re
import statistics
import subprocess

from common import Row, read_csv

FIGURE = "Clockwork fig 11"
LINEAR_TOL = 0.06   # zero cost vs the closed-form GPU capacity (docs/serving.md, RESULTS)
KNEE_TOL = 0.10     # default costs vs the third-party run, N >= KNEE_FROM (docs/serving.md)
KNEE_FROM = 80
SLOPE = ("the reference's linear regime is ~970 r/s per GPU, ours 1.8x that: our GPUs serve the "
         "generated day's mix at full batches without idle time, the reference's reach ~55 % of that "
         "(another request mix, or idle GPUs in the real system; docs/serving.md, RESULTS)")
EARLY_KNEE = ("our knee is at N ~ 50, the reference's at 80: our faster GPUs reach the admission cap "
              "1 / (8 + 0.083 N) us earlier (docs/serving.md, RESULTS)")


def capacity_per_gpu(ctx, zoo, work):
    """Requests/s one GPU serves at full batches for the generated day's first minutes."""
    day = os.path.join(work, "day_seed1.csv")
    subprocess.run([ctx.binary, "maf", "generate", "--out", day, "--seed", "1"], check=True,
                   capture_output=True)
    out = subprocess.run([ctx.binary, "maf", "inspect", day, "--zoo", zoo], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"\(([0-9.]+) req/s per GPU at full batches\)", out)
    if not m:
        raise RuntimeError("clustersim maf inspect printed no GPU capacity")
    return float(m.group(1))


def rows(ctx):
    data = ctx.anchor("clockwork")
    zoo = ctx.anchor("clockwork", "model_zoo_v100.csv")
    ref = {int(float(r["num_models"])): float(r["goodput_median"])
           for r in read_csv(ctx.anchor("clockwork", "fig11b_thirdparty_repro_peak_goodput_vs_workers.tsv"),
                             delimiter="\t")
           if float(r["num_models"]) > 0}
    out = ctx.work("run_clockwork_fig11")
    args = ["--data", data, "--out", out, "--jobs", ctx.jobs, "--binary", ctx.binary]
    if not ctx.full:
        args += ["--only", "variant=zero_cost", "--only", "workers=10"]
    ctx.script("run_clockwork_fig11.sh", *args)
    per_gpu = capacity_per_gpu(ctx, zoo, out)
    runs = read_csv(os.path.join(out, "summary.csv"))
    for r in sorted((r for r in runs if r["variant"] == "zero_cost"), key=lambda r: int(r["workers"])):
        n = int(r["workers"])
        peak = float(r["peak_goodput_rps"])
        yield Row(f"N={n} zero cost: peak goodput / GPU vs full-batch capacity", peak / n, per_gpu,
                  LINEAR_TOL, rel=True)
        if n in ref:
            yield Row(f"N={n} zero cost: peak goodput vs 3rd-party run", peak, ref[n], LINEAR_TOL,
                      rel=True, reason=SLOPE)
    by_n = {}
    for r in runs:
        if r["variant"] == "default":
            by_n.setdefault(int(r["workers"]), []).append(float(r["peak_goodput_rps"]))
    for n in sorted(by_n):
        if n not in ref:
            continue
        reason = None if n >= KNEE_FROM else SLOPE if n <= 50 else EARLY_KNEE
        yield Row(f"N={n}: median peak goodput ({len(by_n[n])} seeds) vs 3rd-party run",
                  statistics.median(by_n[n]), ref[n], KNEE_TOL, rel=True, reason=reason)
