#!/usr/bin/python3
"""ElasticFlow fig 8(a): deadline satisfactory ratio per system (64 T4 GPUs, elasticVpollux_e)."""
from _efplot import args, plt, policies, ratio, rows, save, LABELS

summary, prefix = args("fig8a")
rs = rows(summary)
ps = policies(rs)
vals = [ratio(next(r for r in rs if r["policy"] == p)) for p in ps]
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar([LABELS.get(p, p) for p in ps], vals, color="tab:blue")
for i, v in enumerate(vals):
    ax.text(i, v + 0.01, f"{v:.3f}", ha="center", fontsize=8)
ax.set_ylabel("Deadline satisfactory ratio")
ax.set_ylim(0, 1)
plt.setp(ax.get_xticklabels(), rotation=20)
save(fig, prefix)
