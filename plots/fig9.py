#!/usr/bin/python3
"""ElasticFlow fig 9: ablation (EDF / + admission control / + elastic scaling / ElasticFlow) vs cluster size."""
from _efplot import args, plt, policies, ratio, rows, save, LABELS

summary, prefix = args("fig9")
rs = rows(summary)
ps = policies(rs)
sizes = sorted({int(r["cluster_gpus"]) for r in rs})
fig, ax = plt.subplots(figsize=(6, 3))
w = 0.8 / max(1, len(ps))
for k, p in enumerate(ps):
    ys = []
    for g in sizes:
        m = [r for r in rs if int(r["cluster_gpus"]) == g and r["policy"] == p]
        ys.append(ratio(m[0]) if m else float("nan"))
    ax.bar([i + k * w for i in range(len(sizes))], ys, w, label=LABELS.get(p, p))
ax.set_xticks([i + w * (len(ps) - 1) / 2 for i in range(len(sizes))])
ax.set_xticklabels([f"{g} GPUs" for g in sizes])
ax.set_ylabel("Deadline satisfactory ratio")
ax.set_ylim(0, 1)
ax.legend(fontsize=7)
save(fig, prefix)
