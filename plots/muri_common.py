"""Shared by plots/muri_fig*.py: reads a run_muri_fig*.sh summary.csv and the Muri paper's raw
simulation numbers (anchors/muri/paper_sim_results_*.csv, read at run time, never copied), prints
the normalised ratios next to the paper's and draws them as grouped bars (PNG and PDF).

A ratio is value(numerator) / value(denominator) for one trace and metric, e.g. SRTF / Muri-S
avg JCT, as in the paper's normalised bar charts (> 1 = Muri better).
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METRIC_COLUMN = {"avg_jct": "jct_mean_s", "makespan": "makespan_s", "p99_jct": "jct_p99_s"}
METRIC_TITLE = {"avg_jct": "avg JCT", "makespan": "makespan", "p99_jct": "p99 JCT"}
# our policy name -> the scheduler name in the paper's CSVs
PAPER_NAME = {"muri-srtf": "SRTF", "muri-srsf": "SRSF", "muri-tiresias": "Tiresias(dlas-gpu)",
              "muri-s": "Muri-S", "muri-l": "Muri-L", "muri-themis": "Themis", "themis": "Themis",
              "muri-antman": "AntMan", "antman": "AntMan",
              "muri-l-worstordering": "Muri-L worst ordering",
              "muri-l-noblossom": "Muri-L w/o Blossom"}


def parse_args(name, doc):
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("summary", nargs="?",
                   default=os.path.join(ROOT, "results", "run_" + name, "summary.csv"),
                   help="summary.csv of scripts/run_%s.sh (default: results/run_%s/summary.csv)"
                   % (name, name))
    p.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "anchors", "muri"),
                   help="Muri anchor folder with paper_sim_results_*.csv "
                   "(default: ../shared/anchors/muri); without it only our ratios are shown")
    p.add_argument("--out", default=None,
                   help="output path prefix (default: <summary dir>/%s); writes .png and .pdf" % name)
    a = p.parse_args()
    if a.out is None:
        a.out = os.path.join(os.path.dirname(os.path.abspath(a.summary)), name)
    return a


def load_summary(path):
    try:
        with open(path) as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"{path}: {e} (run the matching scripts/run_muri_fig*.sh first)")
    subsets = sorted({r.get("subset", "all") for r in rows} - {"all"})
    if subsets:
        print(f"note: runs on trace subsets ({', '.join(subsets)}, --quick): the paper's ratios "
              "are for the full traces and not comparable")
    return rows


def ours(rows, variant_of=None):
    """{(trace, variant): {metric: seconds}}; variant = PAPER_NAME of the policy unless the
    figure supplies `variant_of(row)` (None drops the row)."""
    out = {}
    for r in rows:
        v = variant_of(r) if variant_of else PAPER_NAME.get(r["policy"], r["policy"])
        if v is None:
            continue
        if r.get("jobs_finished") and r.get("jobs") and r["jobs_finished"] != r["jobs"]:
            print(f"warning: {r['trace']} {r['policy']}: only {r['jobs_finished']}/{r['jobs']} "
                  "jobs finished", file=sys.stderr)
        out[(r["trace"], v)] = {m: float(r[c]) for m, c in METRIC_COLUMN.items() if r.get(c)}
    return out


def paper(data_dir):
    """{(trace, variant, metric): seconds} from both paper CSVs, {} if absent."""
    vals = {}
    f910 = os.path.join(data_dir, "paper_sim_results_fig9_10.csv")
    f1113 = os.path.join(data_dir, "paper_sim_results_fig11_13.csv")
    if os.path.isfile(f910):
        with open(f910) as f:
            for r in csv.DictReader(f):
                for m in METRIC_COLUMN:
                    if r.get(m + "_s"):
                        vals[(r["trace"], r["scheduler"], m)] = float(r[m + "_s"])
    if os.path.isfile(f1113):
        with open(f1113) as f:
            for r in csv.DictReader(f):
                vals.setdefault((r["trace"], r["variant"], r["metric"]), float(r["value_s"]))
    if not vals:
        print(f"note: no paper_sim_results_*.csv in {data_dir}; showing our ratios only "
              "(pass --data)", file=sys.stderr)
    return vals


def ratio(table, trace, num, den, metric):
    try:
        a, b = table[(trace, num)][metric], table[(trace, den)][metric]
    except KeyError:
        return math.nan
    return a / b if b else math.nan


def paper_ratio(pap, trace, num, den, metric):
    a, b = pap.get((trace, num, metric)), pap.get((trace, den, metric))
    return a / b if a is not None and b else math.nan


def fmt(x, spec="{:.3f}"):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else spec.format(x)


def draw(title, traces, metrics, bars, table, pap, out, trace_label=None, xlabel="trace"):
    """bars: [(label, numerator variant, denominator variant)]; one panel per metric, one group
    of bars per trace (bars we have no run for are left out of the plot but their paper ratios
    are still printed). Prints our ratio, the paper's and the raw numbers behind both."""
    trace_label = trace_label or (lambda t: t.replace("_pr", "'").replace("trace", ""))
    print(f"== {title}")
    print(f"{'trace':<12} {'ratio':<34} {'metric':<9} {'ours':>7} {'paper':>7} {'ours/paper':>10}"
          f" {'ours num (s)':>14} {'paper num (s)':>14} {'ours den (s)':>14} {'paper den (s)':>14}")
    def have(b, fn):
        return any(not math.isnan(fn(t, b[1], b[2], m)) for t in traces for m in metrics)

    shown = [b for b in bars if have(b, lambda *x: ratio(table, *x))]
    listed = [b for b in bars if b in shown or have(b, lambda *x: paper_ratio(pap, *x))]
    for t in traces:
        for label, num, den in listed:
            for m in metrics:
                r, pr = ratio(table, t, num, den, m), paper_ratio(pap, t, num, den, m)
                on = table.get((t, num), {}).get(m)
                od = table.get((t, den), {}).get(m)
                print(f"{t:<12} {label:<34} {m:<9} {fmt(r):>7} {fmt(pr):>7} "
                      f"{fmt(r / pr if pr else math.nan):>10} {fmt(on, '{:.2f}'):>14} "
                      f"{fmt(pap.get((t, num, m)), '{:.2f}'):>14} {fmt(od, '{:.2f}'):>14} "
                      f"{fmt(pap.get((t, den, m)), '{:.2f}'):>14}")
    if not shown:
        print("(nothing to draw: no run has both the numerator and the denominator)")
        return
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    width = 0.8 / len(shown)
    xs = range(len(traces))
    for ax, m in zip(axes[0], metrics):
        for i, (label, num, den) in enumerate(shown):
            ys = [ratio(table, t, num, den, m) for t in traces]
            pos = [x - 0.4 + width * (i + 0.5) for x in xs]
            ax.bar(pos, [0 if math.isnan(y) else y for y in ys], width, label=label)
            py = [paper_ratio(pap, t, num, den, m) for t in traces]
            pp = [(p, y) for p, y in zip(pos, py) if not math.isnan(y)]
            if pp:
                ax.scatter([p for p, _ in pp], [y for _, y in pp], marker="_", s=120, color="k",
                           zorder=3, label="paper" if i == 0 else None)
        ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_xticks(list(xs))
        ax.set_xticklabels([trace_label(t) for t in traces])
        ax.set_xlabel(xlabel)
        ax.set_title(f"normalised {METRIC_TITLE[m]}")
        ax.set_ylim(bottom=0)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(f"{out}.{ext}")
    plt.close(fig)
    print(f"wrote {out}.png and {out}.pdf")


def traces_in(rows, order):
    present = {r["trace"] for r in rows}
    return [t for t in order if t in present] + sorted(present - set(order))
