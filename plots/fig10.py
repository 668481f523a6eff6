#!/usr/bin/python3
"""ElasticFlow fig 10: cluster efficiency over time per system (from each run's cluster.csv).
The reference runs keep no time series, only the time-averaged efficiency: it is drawn as a
dashed line in each system's colour, and printed beside ours."""
import csv
import os

from _efplot import LABELS, args, plt, policies, print_pair, reference, rows, save, subset_note

summary, prefix, data = args("fig10")
rs = rows(summary)
note = subset_note(rs)
refs = reference(data, "fig10")
base = os.path.dirname(summary)
fig, ax = plt.subplots(figsize=(6, 3))
for p in policies(rs):
    r = next(r for r in rs if r["policy"] == p)
    path = os.path.join(base, r["run_dir"], "cluster.csv")
    if not os.path.exists(path):
        continue
    ts, es, last = [], [], None
    with open(path) as f:
        for row in csv.DictReader(f):
            t = float(row["time_s"])
            if last is None or t - last >= 2400:  # the artifact's plot samples >= 2,400 s apart
                ts.append(t / 3600)
                es.append(float(row["efficiency"]))
                last = t
    if not ts:
        continue
    t0 = ts[0]
    ours = float(r["efficiency_mean"]) if r.get("efficiency_mean") else float("nan")
    line, = ax.plot([t - t0 for t in ts], es, label=f"{LABELS.get(p, p)} (mean {ours:.3f})")
    if p in refs:
        ref = float(refs[p]["avg_cluster_eff"])
        ax.axhline(ref, color=line.get_color(), ls="--", lw=0.8)
        print_pair(f"fig 10 {p}: time-averaged efficiency", ours, ref)
ax.set_xlabel("Time (h)")
ax.set_ylabel("Cluster efficiency")
ax.legend(fontsize=6)
ax.set_title("ElasticFlow fig 10 (dashed: reference runs' time average)" + note, fontsize=8)
save(fig, prefix)
