#!/usr/bin/python3
"""ElasticFlow fig 9: ablation (EDF / + admission control / + elastic scaling / ElasticFlow) vs
cluster size, with the artifact's reference runs as black ticks."""
from _efplot import (LABELS, args, plt, policies, print_pair, ratio, ref_ratio, reference, rows, save,
                     subset_note, ticks)

summary, prefix, data = args("fig9")
rs = rows(summary)
note = subset_note(rs)
ps = policies(rs)
sizes = sorted({(int(r["cluster_gpus"]), r["cluster"]) for r in rs})
fig, ax = plt.subplots(figsize=(6, 3))
w = 0.8 / max(1, len(ps))
first = True
for k, p in enumerate(ps):
    ys, refs = [], []
    for g, c in sizes:
        m = [r for r in rs if int(r["cluster_gpus"]) == g and r["policy"] == p]
        ys.append(ratio(m[0]) if m else float("nan"))
        refs.append(ref_ratio(reference(data, f"fig9_{c}"), p))
        print_pair(f"fig 9 {g} GPUs {p}", ys[-1], refs[-1])
    xs = [i + k * w for i in range(len(sizes))]
    ax.bar(xs, ys, w, label=LABELS.get(p, p))
    first = not ticks(ax, xs, refs, first) and first
ax.set_xticks([i + w * (len(ps) - 1) / 2 for i in range(len(sizes))])
ax.set_xticklabels([f"{g} GPUs" for g, _ in sizes])
ax.set_ylabel("Deadline satisfactory ratio")
ax.set_ylim(0, 1)
ax.legend(fontsize=7)
ax.set_title("ElasticFlow fig 9" + note, fontsize=9)
save(fig, prefix)
