"""Shared by plots/aivle.py, mp4.py and evalpro.py: arguments and CSV loading."""
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


def load(path):
    try:
        with open(path) as f:
            return list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"{path}: {e} (run the matching scripts/run_*.sh first)")


def save(fig, out):
    for ext in ("png", "pdf"):
        fig.savefig(f"{out}.{ext}", dpi=150, bbox_inches="tight")
    print(f"wrote {out}.png and {out}.pdf")
