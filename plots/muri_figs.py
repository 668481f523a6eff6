#!/usr/bin/env python3
"""Draws Muri-paper-style normalised bar charts (Figs. 9-13) from a summary.csv written by
scripts/run_muri_fig*.sh: one PNG per metric (avg JCT, makespan, p99 JCT) next to the CSV,
values normalised to the Muri variant of each group (paper style: baseline / Muri, so > 1 means
Muri is better). Usage: /usr/bin/python3 plots/muri_figs.py OUT/summary.csv [--out DIR]"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METRICS = [("jct_mean_s", "avg JCT"), ("makespan_s", "makespan"), ("jct_p99_s", "p99 JCT")]
LABEL = {"muri-srtf": "SRTF", "muri-srsf": "SRSF", "muri-tiresias": "Tiresias", "muri-s": "Muri-S",
         "muri-l": "Muri-L", "muri-l-worstordering": "worst ordering", "muri-l-noblossom": "w/o Blossom"}
# (groups of (policies, reference policy)) per figure; fig 12 compares packing_num values.
GROUPS = {
    "9_10": [(["muri-srtf", "muri-srsf", "muri-s"], "muri-s"), (["muri-tiresias", "muri-l"], "muri-l")],
    "11": [(["muri-l-worstordering", "muri-l-noblossom", "muri-l"], "muri-l")],
    "13": [(["muri-srtf", "muri-s"], "muri-s"), (["muri-tiresias", "muri-l"], "muri-l")],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("summary")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.summary)))
    if not rows:
        raise SystemExit("empty summary")
    fig = rows[0]["figure"]
    out = a.out or os.path.dirname(os.path.abspath(a.summary))
    traces = list(dict.fromkeys(r["trace"] for r in rows))
    for key, name in METRICS:
        series = {}  # label -> [value per trace]
        if fig == "12":
            val = {(r["trace"], r["packing_num"]): float(r[key]) for r in rows}
            for k in ("2", "3", "4"):
                series[f"group<={k}"] = [val.get((t, k), float("nan")) / val.get((t, "4"), float("nan")) for t in traces]
        else:
            val = {(r["trace"], r["policy"]): float(r[key]) for r in rows}
            for pols, ref in GROUPS[fig]:
                for p in pols:
                    series[f"{LABEL[p]} / {LABEL[ref]}" if p != ref else LABEL[p]] = [
                        val.get((t, p), float("nan")) / val.get((t, ref), float("nan")) for t in traces]
        fig_, ax = plt.subplots(figsize=(max(6, 1.2 * len(traces)), 3.2))
        n = len(series)
        width = 0.8 / n
        for i, (label, ys) in enumerate(series.items()):
            ax.bar([x + (i - (n - 1) / 2) * width for x in range(len(traces))], ys, width, label=label)
        ax.axhline(1.0, color="black", linewidth=0.6)
        ax.set_xticks(range(len(traces)))
        ax.set_xticklabels(traces)
        ax.set_ylabel(f"normalised {name}")
        ax.set_title(f"Muri Fig. {fig.replace('_', '/')}: {name}")
        ax.legend(fontsize=7, ncol=min(n, 4))
        fig_.tight_layout()
        path = os.path.join(out, f"muri_fig{fig}_{key}.png")
        fig_.savefig(path, dpi=120)
        plt.close(fig_)
        print("wrote", path)


if __name__ == "__main__":
    main()
