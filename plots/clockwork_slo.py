#!/usr/bin/env python3
"""Goodput and tail latency vs SLO (scripts/run_clockwork_slo.sh output).

usage: clockwork_slo.py --out DIR
Left: goodput (answered within the SLO, requests/s over the run) of each policy vs the SLO
(the throughput, with timeouts, is in the printed table). Right: p99 and maximum latency vs the SLO, with the SLO itself as a diagonal.
Writes <out>/clockwork_slo.{png,pdf} and prints the table.
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(os.path.join(a.out, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    policies = []
    for r in rows:
        if r["policy"] not in policies:
            policies.append(r["policy"])
    colors = {"clockwork": "tab:blue", "clipper": "tab:orange", "fifo": "tab:gray"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    print("policy,slo_ms,goodput_rps,throughput_rps,slo_attainment,p99_ms,max_ms,mean_batch")
    for p in policies:
        rs = sorted((r for r in rows if r["policy"] == p), key=lambda r: float(r["slo_ms"]))
        slo = [float(r["slo_ms"]) for r in rs]
        good = [float(r["mean_goodput_rps"]) for r in rs]
        thr = [float(r["throughput_mean_rps"]) for r in rs]
        p99 = [float(r["latency_p99_ms"]) for r in rs]
        mx = [float(r["latency_max_ms"]) for r in rs]
        c = colors.get(p)
        left.plot(slo, good, marker="o", color=c, label=f"{p} goodput")
        right.plot(slo, p99, marker="o", color=c, label=f"{p} p99")
        right.plot(slo, mx, ls=":", marker=".", color=c, label=f"{p} max")
        for r in rs:
            print(f"{p},{r['slo_ms']},{float(r['mean_goodput_rps']):.0f},"
                  f"{float(r['throughput_mean_rps']):.0f},{float(r['slo_attainment']):.4f},"
                  f"{float(r['latency_p99_ms']):.1f},{float(r['latency_max_ms']):.1f},"
                  f"{r['mean_batch']}")
    slos = sorted({float(r["slo_ms"]) for r in rows})
    right.plot(slos, slos, color="black", lw=0.8, label="SLO")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("SLO (ms)")
        ax.legend(fontsize=7)
    left.set_ylabel("requests/s")
    left.set_ylim(bottom=0)
    left.set_title("goodput vs SLO (15 x resnet50_v2, 1 GPU, closed loop)")
    right.set_yscale("log")
    right.set_ylabel("latency (ms)")
    right.set_title("tail latency vs SLO")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(a.out, f"clockwork_slo.{ext}"), dpi=150)


if __name__ == "__main__":
    main()
