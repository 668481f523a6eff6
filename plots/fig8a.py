#!/usr/bin/python3
"""ElasticFlow fig 8(a): deadline satisfactory ratio per system (64 T4 GPUs, elasticVpollux_e),
with the artifact's reference runs as black ticks."""
from _efplot import (LABELS, args, plt, policies, print_pair, ratio, ref_ratio, reference, rows, save,
                     subset_note, ticks)

summary, prefix, data = args("fig8a")
rs = rows(summary)
note = subset_note(rs)
ps = policies(rs)
refs = reference(data, "fig8a")
vals = [ratio(next(r for r in rs if r["policy"] == p)) for p in ps]
ref = [ref_ratio(refs, p) for p in ps]
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(range(len(ps)), vals, color="tab:blue", label="clustersim")
ticks(ax, range(len(ps)), ref, True)
for i, (p, v) in enumerate(zip(ps, vals)):
    ax.text(i, v + 0.02, f"{v:.3f}", ha="center", fontsize=8)
    print_pair(f"fig 8a {p}", v, ref[i])
ax.set_xticks(range(len(ps)))
ax.set_xticklabels([LABELS.get(p, p) for p in ps], rotation=20)
ax.set_ylabel("Deadline satisfactory ratio")
ax.set_ylim(0, 1)
ax.legend(fontsize=7)
ax.set_title("ElasticFlow fig 8a" + note, fontsize=9)
save(fig, prefix)
