"""EvalPro throughput scalability S(N) = X(N) / X(1) against N (ideal: S = N) for the 16- and
64-core hosts and isolated VMs, ours (closed loop, linear contention) with the published points
(seed 004; summary.csv's published_speedup), from scripts/run_evalpro.sh's summary.csv.
Writes <out>.{png,pdf}.
"""
import balancing_common as bc
import matplotlib.pyplot as plt

NAMES = {"host16": "16-core host", "host64": "64-core host", "vm16": "16 isolated VMs",
         "vm64": "64 isolated VMs"}


def main():
    a = bc.parse_args("evalpro", __doc__)
    rows = bc.load(a.summary, ["speedup", "diff_pct"])
    fig, ax = plt.subplots(figsize=(6.5, 5))
    nmax = max(int(r["cores"]) for r in rows)
    ax.plot([1, nmax], [1, nmax], ":", color="0.4", label="ideal S(N) = N")
    for k, (setup, name) in enumerate(NAMES.items()):
        pts = [r for r in rows if r["setup"] == setup]
        if not pts:
            continue
        colour = f"C{k}"
        ax.plot([int(r["cores"]) for r in pts], [float(r["speedup"]) for r in pts],
                ["-", "-", "--", "-."][k], marker=".", color=colour, label=f"{name} (sigma {float(pts[0]['contention.sigma']):.4f})")
        for r in pts:
            if r["published_speedup"]:
                marker = "o" if r["calibrated"] == "sigma" else "x"
                ax.plot(int(r["cores"]), float(r["published_speedup"]), marker, color=colour,
                        ms=8, mfc="none")
                print(f"{name} N={r['cores']}: ours {r['speedup']}, published "
                      f"{r['published_speedup']} ({r['diff_pct']} %, {r['calibrated']})")
    ax.plot([], [], "o", color="0.3", mfc="none", label="published (calibration point)")
    ax.plot([], [], "x", color="0.3", label="published (predicted)")
    ax.set_xlim(0, nmax + 2)
    ax.set_ylim(0, nmax + 2)
    ax.set_xlabel("cores N")
    ax.set_ylabel("S(N) = Xmax(N) / Xmax(1)")
    ax.legend(fontsize=8)
    ax.set_title("EvalPro: throughput scalability, linear contention per busy core"
                 + bc.subset_note(rows))
    bc.save(fig, a.out)


if __name__ == "__main__":
    main()
