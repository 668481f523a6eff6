"""Shared helpers for the ElasticFlow figure plots (run with /usr/bin/python3). They read the
summary.csv that scripts/run_<figure>.sh merges (the grid's columns, run_dir, the summary.json
metrics) and, beside our values, draw the artifact's reference runs
(anchors/elasticflow/reference_runs/summary_*.csv, read at run time, never copied) as black ticks,
and print both."""
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401 (re-exported to the plots)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {"edf": "EDF", "gandiva": "Gandiva", "tiresias-ef": "Tiresias", "themis": "Themis",
          "chronus": "Chronus", "elasticflow": "ElasticFlow", "edf-ac": "EDF + admission control",
          "elasticflow-noac": "EDF + elastic scaling"}
ORDER = ["edf", "gandiva", "tiresias-ef", "themis", "chronus", "edf-ac", "elasticflow-noac", "elasticflow"]
# our policy -> the artifact's --schedule (the reference runs' folder and summary names)
ARTIFACT = {"edf": "edf", "edf-ac": "edf-accessctrl", "elasticflow-noac": "ef",
            "elasticflow": "ef-accessctrl", "gandiva": "gandiva", "tiresias-ef": "dlas-gpu",
            "themis": "themis"}


def default_data():
    anchors = os.environ.get("CLUSTERSIM_ANCHORS", os.path.join(ROOT, "..", "shared", "anchors"))
    return os.path.join(anchors, "elasticflow", "reference_runs")


def args(name):
    import argparse
    ap = argparse.ArgumentParser(description=f"Draws ElasticFlow {name} from scripts/run_{name}.sh's "
                                 "summary.csv, with the artifact's reference runs beside ours")
    ap.add_argument("summary", nargs="?", default=os.path.join(ROOT, "results", f"run_{name}", "summary.csv"),
                    help=f"summary.csv of scripts/run_{name}.sh (default: results/run_{name}/summary.csv)")
    ap.add_argument("--out", default=None, help="output prefix (default: next to summary.csv)")
    ap.add_argument("--data", default=default_data(),
                    help="the reference runs (default: %(default)s; $CLUSTERSIM_ANCHORS overrides "
                    "the anchors folder); without them only our values are drawn")
    a = ap.parse_args()
    if not os.path.exists(a.summary):
        sys.exit(f"{a.summary} not found; run scripts/run_{name}.sh first")
    prefix = a.out or os.path.join(os.path.dirname(a.summary), name)
    return a.summary, prefix, a.data


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def subset_note(rs):
    """A title note when the runs are a --quick subset of the figure (summary.csv's `subset` column
    is not `all`), else ''."""
    subsets = sorted({r.get("subset", "all") for r in rs} - {"all"})
    if subsets:
        print(f"note: subset={', '.join(subsets)} (--quick runs): the figure shows a subset of its points")
        return " (--quick: a subset)"
    return ""


def policies(rs):
    present = {r["policy"] for r in rs}
    return [p for p in ORDER if p in present] + sorted(present - set(ORDER))


def ratio(r):
    v = r.get("deadline_satisfaction_artifact") or r.get("deadline_satisfaction") or "nan"
    return float(v)


def reference(data, experiment):
    """{our policy: the reference summary row} of summary_<experiment>.csv ({} if absent)."""
    path = os.path.join(data, f"summary_{experiment}.csv")
    if not os.path.isfile(path):
        return {}
    ours = {a: p for p, a in ARTIFACT.items()}
    return {ours[r["policy"]]: r for r in rows(path) if r["policy"] in ours}


def ref_ratio(refs, policy):
    r = refs.get(policy)
    return float(r["ddl_ratio(final_result)"]) if r else math.nan


def ticks(ax, xs, ys, first):
    """The reference values as black ticks at xs (nan left out); `first` labels the legend entry."""
    pts = [(x, y) for x, y in zip(xs, ys) if not math.isnan(y)]
    if pts:
        ax.scatter([x for x, _ in pts], [y for _, y in pts], marker="_", s=150, color="k", zorder=3,
                   label="reference run" if first else None)
    return bool(pts)


def print_pair(what, ours, ref):
    d = ours - ref if not (math.isnan(ours) or math.isnan(ref)) else math.nan
    f = (lambda x: "-" if math.isnan(x) else f"{x:.4f}")
    print(f"{what:<44} ours {f(ours):>7}  reference {f(ref):>7}  difference {f(d):>7}")


def save(fig, prefix):
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(f"{prefix}.{ext}")
    print(f"wrote {prefix}.png and {prefix}.pdf")
