"""EvalPro's throughput scalability S(N) = X(N) / X(1) through scripts/run_evalpro.sh, at the
points the MTP presentation publishes (seed 004). EvalPro has no anchor (no data is public): the
published values are the `published_speedup` column of scripts/grids/evalpro.json, where the
reproduction's sigma comes from. Calibrated points (sigma fitted at the setup's largest N)
within 1 % (docs/balancing.md); the 64-core host's S(16), a prediction, misses by 5.5 %, which
docs/balancing.md explains. About two seconds of runs, so the quick guard runs them all."""
import os

from common import Row, num, read_csv

FIGURE = "EvalPro S(N)"
PREDICTED_MISS = ("docs/balancing.md: a linear sigma fitted at 64 cores underestimates the 64-core "
                  "host's scaling at 16 cores (the slowdown grows faster than linearly)")


def rows(ctx):
    out = ctx.work("evalpro")
    ctx.script("run_evalpro.sh", "--out", out, "--jobs", ctx.jobs, "--binary", ctx.binary)
    for r in read_csv(os.path.join(out, "summary.csv")):
        if not r["published_speedup"]:
            continue
        point = f"{r['setup']} S({r['cores']}) ({r['calibrated']})"
        if r["calibrated"] == "sigma":
            yield Row(point, num(r["speedup"]), float(r["published_speedup"]), 0.01, rel=True)
        else:
            yield Row(point, num(r["speedup"]), float(r["published_speedup"]), 0.03, rel=True,
                      reason=PREDICTED_MISS)
