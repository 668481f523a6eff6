"""Shared helpers for the ElasticFlow figure plots (run with /usr/bin/python3)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {"edf": "EDF", "gandiva": "Gandiva", "tiresias-ef": "Tiresias", "themis": "Themis",
          "chronus": "Chronus", "elasticflow": "ElasticFlow", "edf-ac": "EDF + admission control",
          "elasticflow-noac": "EDF + elastic scaling"}
ORDER = ["edf", "gandiva", "tiresias-ef", "themis", "chronus", "edf-ac", "elasticflow-noac", "elasticflow"]


def args(name):
    import argparse
    ap = argparse.ArgumentParser(description=f"Draws ElasticFlow {name} from run_{name}.sh's summary.csv")
    ap.add_argument("summary", nargs="?", default=os.path.join("results", name, "summary.csv"))
    ap.add_argument("--out", default=None, help="output prefix (default: next to summary.csv)")
    a = ap.parse_args()
    if not os.path.exists(a.summary):
        sys.exit(f"{a.summary} not found; run scripts/run_{name}.sh first")
    prefix = a.out or os.path.join(os.path.dirname(a.summary), name)
    return a.summary, prefix


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def policies(rs):
    present = {r["policy"] for r in rs}
    return [p for p in ORDER if p in present] + sorted(present - set(ORDER))


def ratio(r):
    v = r.get("deadline_satisfaction_artifact") or r.get("deadline_satisfaction") or "nan"
    return float(v)


def save(fig, prefix):
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(f"{prefix}.{ext}")
    print(f"wrote {prefix}.png and {prefix}.pdf")
