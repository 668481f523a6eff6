#!/usr/bin/python3
"""ElasticFlow fig 11: (a) deadline ratio and (b) best-effort JCT improvement over Gandiva vs best-effort share."""
from _efplot import args, plt, policies, ratio, rows, save, LABELS

summary, prefix = args("fig11")
rs = rows(summary)
ps = policies(rs)
shares = sorted({float(r["best_effort_share"]) for r in rs})
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3))
for p in ps:
    ys, js = [], []
    for s in shares:
        m = [r for r in rs if float(r["best_effort_share"]) == s and r["policy"] == p]
        ys.append(ratio(m[0]) if m else float("nan"))
        g = [r for r in rs if float(r["best_effort_share"]) == s and r["policy"] == "gandiva"]
        if m and g and m[0].get("jct_mean_best_effort_s") and g[0].get("jct_mean_best_effort_s"):
            js.append(float(g[0]["jct_mean_best_effort_s"]) / float(m[0]["jct_mean_best_effort_s"]))
        else:
            js.append(float("nan"))
    xs = [int(s * 100) for s in shares]
    a.plot(xs, ys, marker="o", label=LABELS.get(p, p))
    if p != "gandiva":
        b.plot(xs, js, marker="o", label=LABELS.get(p, p))
a.set_xlabel("Best-effort jobs (%)")
a.set_ylabel("Deadline satisfactory ratio")
a.set_ylim(0, 1)
b.set_xlabel("Best-effort jobs (%)")
b.set_ylabel("Best-effort JCT improvement\n(Gandiva = 1)")
a.legend(fontsize=7)
save(fig, prefix)
