#!/usr/bin/env python3
"""Clockwork (OSDI'20) Fig. 11 from scripts/run_clockwork_fig11.sh output.

usage: clockwork_fig11.py --out DIR [--data DIR]
Left: N = 40, per minute (the ramp's steps): goodput, answered requests (the artifact's
"offered load" line) and mean batch size, median over seeds. Right: median peak goodput over
seeds vs workers, min-max as error bars, with the zero-controller-cost runs and the reference.
The reference curves are a third-party re-run of the artifact (SZU-AdvTech-2023, one trial,
shared/anchors/clockwork/fig11*_thirdparty_*.tsv), not the paper's numbers.
Writes <out>/clockwork_fig11.{png,pdf} and <out>/fig11_table.csv (workers, ours, reference).
"""
import argparse
import csv
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="folder with summary.csv and runs/")
    default_data = os.path.join(
        os.environ.get("CLUSTERSIM_ANCHORS",
                       os.path.join(os.path.dirname(__file__), "..", "..", "shared", "anchors")),
        "clockwork")
    ap.add_argument("--data", default=default_data, help="Clockwork anchors folder")
    a = ap.parse_args()
    rows = read_csv(os.path.join(a.out, "summary.csv"))
    ref_b = {int(float(r["num_models"])): float(r["goodput_median"])
             for r in read_csv(os.path.join(a.data,
                               "fig11b_thirdparty_repro_peak_goodput_vs_workers.tsv"), "\t")
             if float(r["num_models"]) > 0}
    ref_a = read_csv(os.path.join(a.data, "fig11a_thirdparty_repro_40workers_timeseries.tsv"),
                     "\t")

    def by_workers(variant):
        d = {}
        for r in rows:
            if r["variant"] == variant:
                d.setdefault(int(r["workers"]), []).append(float(r["peak_goodput_rps"]))
        return d

    ours = by_workers("default")
    zero = by_workers("zero_cost")
    if not ours:
        sys.exit(f"{a.out}/summary.csv: no default-variant runs")

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    # Left: N = 40 minutes (median over seeds).
    n40 = [r for r in rows if r["variant"] == "default" and int(r["workers"]) == 40]
    series = []
    for r in n40:
        m = read_csv(os.path.join(a.out, "runs", r["run"], "minutes.csv"))
        series.append(m)
    if series:
        steps = min(len(s) for s in series)
        # The reference drops its final minute; so does the peak here (serving.peak_exclude_last).
        steps = min(steps, 9)
        x = list(range(steps))
        med = lambda key: [statistics.median(float(s[i][key]) for s in series) for i in x]
        left.plot(x, med("goodput_rps"), color="tab:green", label="goodput (ours)")
        left.plot(x, med("answered_rps"), color="black", label="answered (ours)")
        left.plot([float(r["t"]) for r in ref_a], [float(r["goodput0"]) for r in ref_a],
                  color="tab:green", ls="--", label="goodput (3rd-party re-run)")
        left.plot([float(r["t"]) for r in ref_a], [float(r["throughput0"]) for r in ref_a],
                  color="black", ls="--", label='"offered load" (3rd-party re-run)')
        ax2 = left.twinx()
        ax2.plot(x, med("mean_batch"), color="tab:orange", label="mean batch (ours)")
        ax2.plot([float(r["t"]) for r in ref_a], [float(r["batchsize0"]) for r in ref_a],
                 color="tab:orange", ls="--", label="mean batch (3rd-party)")
        ax2.set_ylim(0, 8)
        ax2.set_ylabel("batch size")
        left.legend(loc="upper left", fontsize=7)
        ax2.legend(loc="lower right", fontsize=7)
    left.set_xlabel("minute of the ramp")
    left.set_ylabel("requests/s")
    left.set_title("N = 40 workers")
    # Right: median peak goodput vs workers.
    ws = sorted(ours)
    medians = [statistics.median(ours[w]) for w in ws]
    lo = [medians[i] - min(ours[w]) for i, w in enumerate(ws)]
    hi = [max(ours[w]) - medians[i] for i, w in enumerate(ws)]
    right.errorbar(ws, medians, yerr=[lo, hi], marker="o", color="tab:blue",
                   label="ours (median of seeds)")
    if zero:
        zw = sorted(zero)
        right.plot(zw, [statistics.median(zero[w]) for w in zw], marker="s", ls=":",
                   color="tab:gray", label="ours, no controller cost")
    rw = sorted(ref_b)
    right.plot(rw, [ref_b[w] for w in rw], marker="^", ls="--", color="tab:red",
               label="3rd-party re-run (1 trial)")
    right.set_xlabel("workers (emulated V100s)")
    right.set_ylabel("peak goodput (requests/s)")
    right.set_xlim(0, 155)
    right.set_ylim(bottom=0)
    right.legend(fontsize=7)
    right.set_title("peak goodput")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(a.out, f"clockwork_fig11.{ext}"), dpi=150)
    table = os.path.join(a.out, "fig11_table.csv")
    with open(table + ".tmp", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["workers", "ours_median_peak_goodput_rps", "ours_min", "ours_max",
                    "zero_cost_peak_goodput_rps", "reference_rps", "ours_over_reference"])
        for i, n in enumerate(ws):
            ref = ref_b.get(n)
            z = statistics.median(zero[n]) if n in zero else ""
            w.writerow([n, f"{medians[i]:.0f}", f"{min(ours[n]):.0f}", f"{max(ours[n]):.0f}",
                        f"{z:.0f}" if z != "" else "", f"{ref:.0f}" if ref else "",
                        f"{medians[i] / ref:.3f}" if ref else ""])
    os.replace(table + ".tmp", table)
    print(open(table).read(), end="")


if __name__ == "__main__":
    main()
