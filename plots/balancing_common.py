"""Shared by plots/aivle.py, mp4.py and evalpro.py: arguments, CSV loading, the --quick note.

Their input is the summary.csv of scripts/run_aivle.sh, run_mp4.sh or run_evalpro.sh: what
`clustersim sweep merge` wrote (the grid's columns, run_dir, the summary.json metrics, wall_s)
plus the comparison columns of scripts/lib/balancing_columns.py.
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(name, doc):
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("summary", nargs="?",
                   default=os.path.join(ROOT, "results", "run_" + name, "summary.csv"),
                   help=f"summary.csv of scripts/run_{name}.sh (default: results/run_{name}/)")
    p.add_argument("--out", default=None,
                   help=f"output path prefix (default: <summary dir>/{name}); writes .png and .pdf")
    a = p.parse_args()
    if a.out is None:
        a.out = os.path.join(os.path.dirname(os.path.abspath(a.summary)), name)
    return a


def load(path, needs=()):
    """The rows of a CSV; `needs`: columns that must be there (the comparison columns)."""
    try:
        with open(path) as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"{path}: {e} (run the matching scripts/run_*.sh first)")
    missing = [c for c in needs if rows and c not in rows[0]]
    if missing:
        sys.exit(f"{path}: no column {', '.join(missing)}: a bare `sweep merge` output? rerun the "
                 "scripts/run_*.sh that made it (it adds the comparison columns)")
    return rows


def subset_note(rows):
    """A title note when the runs are a --quick subset (summary.csv's `subset` is not `all`)."""
    subsets = sorted({r.get("subset", "all") for r in rows} - {"all"})
    if subsets:
        print(f"note: subset={', '.join(subsets)} (--quick runs): the figure shows a subset of its "
              "points")
        return " (--quick subset)"
    return ""


def save(fig, out):
    for ext in ("png", "pdf"):
        fig.savefig(f"{out}.{ext}", dpi=150, bbox_inches="tight")
    print(f"wrote {out}.png and {out}.pdf")
