#!/usr/bin/python3
"""ElasticFlow fig 8(b): deadline satisfactory ratio per trace and system (A100 tables). The
artifact's own fig 8b runs are withheld (they are the acceptance check), so only ours are drawn."""
from _efplot import LABELS, args, plt, policies, ratio, rows, save, subset_note

summary, prefix, _ = args("fig8b")
rs = rows(summary)
note = subset_note(rs)
ps = policies(rs)
traces = list(dict.fromkeys(r["trace"] for r in rs))
fig, ax = plt.subplots(figsize=(10, 3.2))
w = 0.8 / max(1, len(ps))
for k, p in enumerate(ps):
    ys = []
    for t in traces:
        m = [r for r in rs if r["trace"] == t and r["policy"] == p]
        ys.append(ratio(m[0]) if m else float("nan"))
    ax.bar([i + k * w for i in range(len(traces))], ys, w, label=LABELS.get(p, p))
ax.set_xticks([i + w * (len(ps) - 1) / 2 for i in range(len(traces))])
ax.set_xticklabels([t.replace("philly_103959", "Philly") for t in traces], rotation=20)
ax.set_ylabel("Deadline satisfactory ratio")
ax.set_ylim(0, 1)
ax.legend(ncol=3, fontsize=7)
ax.set_title("ElasticFlow fig 8b (no reference runs)" + note, fontsize=9)
save(fig, prefix)
