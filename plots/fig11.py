#!/usr/bin/python3
"""ElasticFlow fig 11: (a) deadline ratio and (b) best-effort JCT improvement over Gandiva vs
best-effort share, with the artifact's reference runs as black ticks."""
import math

from _efplot import (LABELS, args, plt, policies, print_pair, ratio, ref_ratio, reference, rows, save,
                     subset_note, ticks)

summary, prefix, data = args("fig11")
rs = rows(summary)
note = subset_note(rs)
ps = policies(rs)
shares = sorted({float(r["best_effort_share"]) for r in rs})
refs = {s: reference(data, f"fig11_{r['best_effort_share']}") for r in rs for s in [float(r["best_effort_share"])]}


def be_jct(row, key):
    return float(row[key]) if row and row.get(key) else math.nan


fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3))
first_a = first_b = True
for p in ps:
    ys, js, rys, rjs = [], [], [], []
    for s in shares:
        m = next((r for r in rs if float(r["best_effort_share"]) == s and r["policy"] == p), None)
        g = next((r for r in rs if float(r["best_effort_share"]) == s and r["policy"] == "gandiva"), None)
        ys.append(ratio(m) if m else math.nan)
        js.append(be_jct(g, "jct_mean_best_effort_s") / be_jct(m, "jct_mean_best_effort_s"))
        rys.append(ref_ratio(refs[s], p))
        rg, rp = refs[s].get("gandiva"), refs[s].get(p)
        rjs.append(be_jct(rg, "avg_JCT_best_effort_s") / be_jct(rp, "avg_JCT_best_effort_s"))
        print_pair(f"fig 11 share {s:.1f} {p}", ys[-1], rys[-1])
    xs = [int(round(s * 100)) for s in shares]
    a.plot(xs, ys, marker="o", label=LABELS.get(p, p))
    first_a = not ticks(a, xs, rys, first_a) and first_a
    if p != "gandiva":
        b.plot(xs, js, marker="o", label=LABELS.get(p, p))
        first_b = not ticks(b, xs, rjs, first_b) and first_b
a.set_xlabel("Best-effort jobs (%)")
a.set_ylabel("Deadline satisfactory ratio")
a.set_ylim(0, 1)
b.set_xlabel("Best-effort jobs (%)")
b.set_ylabel("Best-effort JCT improvement\n(Gandiva = 1)")
a.legend(fontsize=7)
b.legend(fontsize=7)
fig.suptitle("ElasticFlow fig 11" + note, fontsize=9)
save(fig, prefix)
