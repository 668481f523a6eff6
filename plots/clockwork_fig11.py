#!/usr/bin/python3
"""Clockwork (OSDI'20) Fig. 11 from scripts/run_clockwork_fig11.sh's summary.csv.

Left: N = 40, per bucket of the ramp (a minute; 6 s with --quick): goodput, answered requests
(the artifact's "offered load" line) and mean batch size, median over seeds. Right: median peak
goodput over seeds vs workers, min-max as error bars, with the zero-controller-cost runs and the
reference. The reference is a third-party re-run of the artifact (SZU-AdvTech-2023, one trial,
anchors clockwork/fig11*_thirdparty_*.tsv), not the paper's numbers. Writes <prefix>.{png,pdf}
and <prefix>_table.csv (workers, ours, reference, difference), and prints the table."""
import csv
import os
import statistics
import sys

from _cwplot import args, plt, rows, save, subset_note

summary, prefix, data = args("clockwork_fig11", __doc__.splitlines()[0])
base = os.path.dirname(os.path.abspath(summary))
rs = rows(summary)
note = subset_note(rs)
ref_b_path = os.path.join(data, "fig11b_thirdparty_repro_peak_goodput_vs_workers.tsv")
ref_a_path = os.path.join(data, "fig11a_thirdparty_repro_40workers_timeseries.tsv")
ref_b = {int(float(r["num_models"])): float(r["goodput_median"])
         for r in rows(ref_b_path, "\t") if float(r["num_models"]) > 0} \
    if os.path.isfile(ref_b_path) else {}
ref_a = rows(ref_a_path, "\t") if os.path.isfile(ref_a_path) else []


def by_workers(variant):
    d = {}
    for r in rs:
        if r["variant"] == variant:
            d.setdefault(int(r["workers"]), []).append(float(r["peak_goodput_rps"]))
    return d


ours = by_workers("default")
zero = by_workers("zero_cost")
if not ours:
    sys.exit(f"{summary}: no default-variant runs")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
series = [rows(os.path.join(base, r["run_dir"], "minutes.csv")) for r in rs
          if r["variant"] == "default" and int(r["workers"]) == 40]
if series:
    # The reference drops its final minute; so does the peak here (serving.peak_exclude_last).
    steps = min(min(len(s) for s in series), 9)
    x = list(range(steps))

    def med(key):
        return [statistics.median(float(s[i][key]) for s in series) for i in x]

    left.plot(x, med("goodput_rps"), color="tab:green", label="goodput (ours)")
    left.plot(x, med("answered_rps"), color="black", label="answered (ours)")
    ax2 = left.twinx()
    ax2.plot(x, med("mean_batch"), color="tab:orange", label="mean batch (ours)")
    if ref_a and not note:
        t = [float(r["t"]) for r in ref_a]
        left.plot(t, [float(r["goodput0"]) for r in ref_a], color="tab:green", ls="--",
                  label="goodput (3rd-party re-run)")
        left.plot(t, [float(r["throughput0"]) for r in ref_a], color="black", ls="--",
                  label='"offered load" (3rd-party re-run)')
        ax2.plot(t, [float(r["batchsize0"]) for r in ref_a], color="tab:orange", ls="--",
                 label="mean batch (3rd-party)")
    ax2.set_ylim(0, 8)
    ax2.set_ylabel("batch size")
    left.legend(loc="upper left", fontsize=7)
    ax2.legend(loc="lower right", fontsize=7)
left.set_xlabel("step of the ramp (x1.5 load each)")
left.set_ylabel("requests/s")
left.set_title("N = 40 workers" + note, fontsize=9)

ws = sorted(ours)
medians = {w: statistics.median(ours[w]) for w in ws}
right.errorbar(ws, [medians[w] for w in ws],
               yerr=[[medians[w] - min(ours[w]) for w in ws], [max(ours[w]) - medians[w] for w in ws]],
               marker="o", color="tab:blue", label="ours (median of seeds, min-max)")
if zero:
    zw = sorted(zero)
    right.plot(zw, [statistics.median(zero[w]) for w in zw], marker="s", ls=":", color="tab:gray",
               label="ours, no controller cost")
if ref_b:
    rw = sorted(ref_b)
    right.plot(rw, [ref_b[w] for w in rw], marker="^", ls="--", color="tab:red",
               label="3rd-party re-run of the artifact (1 trial)")
right.set_xlabel("workers (emulated V100s)")
right.set_ylabel("peak goodput (requests/s)")
right.set_xlim(0, 155)
right.set_ylim(bottom=0)
right.legend(fontsize=7)
right.set_title("Clockwork Fig. 11: peak goodput" + note, fontsize=9)
save(fig, prefix)

table = prefix + "_table.csv"
with open(table + ".tmp", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["workers", "seeds", "ours_median_peak_goodput_rps", "ours_min", "ours_max",
                "zero_cost_peak_goodput_rps", "reference_rps", "difference_pct"])
    for n in ws:
        ref = ref_b.get(n)
        z = f"{statistics.median(zero[n]):.0f}" if n in zero else ""
        w.writerow([n, len(ours[n]), f"{medians[n]:.0f}", f"{min(ours[n]):.0f}", f"{max(ours[n]):.0f}",
                    z, f"{ref:.0f}" if ref else "", f"{100 * (medians[n] / ref - 1):+.1f}" if ref else ""])
os.replace(table + ".tmp", table)
print(open(table).read(), end="")
