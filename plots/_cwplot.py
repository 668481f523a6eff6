"""Shared helpers for the Clockwork figure plots (run with /usr/bin/python3). They read the
summary.csv that scripts/run_clockwork_<figure>.sh merges (the grid's columns, run_dir, the
summary.json metrics) and the anchors' reference (shared/anchors/clockwork, read at run time,
never copied)."""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401 (re-exported to the plots)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_data():
    anchors = os.environ.get("CLUSTERSIM_ANCHORS", os.path.join(ROOT, "..", "shared", "anchors"))
    return os.path.join(anchors, "clockwork")


def args(name, about):
    ap = argparse.ArgumentParser(description=about)
    ap.add_argument("summary", nargs="?",
                    default=os.path.join(ROOT, "results", f"run_{name}", "summary.csv"),
                    help=f"summary.csv of scripts/run_{name}.sh (default: results/run_{name}/summary.csv)")
    ap.add_argument("--out", default=None, help="output prefix (default: next to summary.csv)")
    ap.add_argument("--data", default=default_data(),
                    help="the Clockwork anchors (default: %(default)s; $CLUSTERSIM_ANCHORS overrides "
                    "the anchors folder); without them only our values are drawn")
    a = ap.parse_args()
    if not os.path.exists(a.summary):
        sys.exit(f"{a.summary} not found; run scripts/run_{name}.sh first")
    prefix = a.out or os.path.join(os.path.dirname(os.path.abspath(a.summary)), name)
    return a.summary, prefix, a.data


def rows(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def subset_note(rs):
    """A title note when the runs are a --quick subset (summary.csv's `subset` is not `all`)."""
    subsets = sorted({r.get("subset", "all") for r in rs} - {"all"})
    if subsets:
        print(f"note: subset={', '.join(subsets)} (--quick runs): the figure shows a subset of its "
              "points on a shorter workload, not comparable with the reference")
        return " (--quick subset)"
    return ""


def save(fig, prefix):
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(f"{prefix}.{ext}", dpi=150)
    print(f"wrote {prefix}.png and {prefix}.pdf")
