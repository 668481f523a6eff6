"""Prints the demo's metrics table and draws average/p99 JCT and makespan per policy.

usage: demo.py SUMMARY.csv OUT.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{src}: no runs")
    cols = ["policy", "jobs_finished", "jct_mean_s", "jct_median_s", "jct_p99_s", "makespan_s",
            "gpu_utilization", "preemptions", "wall_s"]
    print(" ".join(f"{c:>15}" for c in cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            try:
                x = float(v)
                v = f"{x:.0f}" if c not in ("gpu_utilization", "wall_s") else f"{x:.3f}"
            except ValueError:
                pass
            cells.append(f"{v:>15}")
        print(" ".join(cells))

    policies = [r["policy"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for ax, key, label in zip(axes, ["jct_mean_s", "jct_p99_s", "makespan_s"],
                              ["average JCT (h)", "p99 JCT (h)", "makespan (h)"]):
        ax.bar(policies, [float(r[key]) / 3600 for r in rows], color="#4477aa")
        ax.set_title(label)
        ax.tick_params(axis="x", rotation=30)
    fig.suptitle(f"{rows[0]['trace']} on {rows[0]['cluster']}")
    fig.tight_layout()
    fig.savefig(dst, dpi=120)
    print(f"wrote {dst}")


if __name__ == "__main__":
    main()
