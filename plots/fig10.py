#!/usr/bin/python3
"""ElasticFlow fig 10: cluster efficiency over time per system (from each run's cluster.csv)."""
import csv
import os

from _efplot import args, plt, policies, rows, save, LABELS

summary, prefix = args("fig10")
rs = rows(summary)
base = os.path.dirname(summary)
fig, ax = plt.subplots(figsize=(6, 3))
for p in policies(rs):
    r = next(r for r in rs if r["policy"] == p)
    path = os.path.join(base, "runs", f"{r['trace']}_{r['cluster']}_{p}", "cluster.csv")
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
    if ts:
        t0 = ts[0]
        ax.plot([t - t0 for t in ts], es, label=LABELS.get(p, p))
ax.set_xlabel("Time (h)")
ax.set_ylabel("Cluster efficiency")
ax.legend(fontsize=7)
save(fig, prefix)
