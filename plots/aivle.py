"""aiVLE parallelisation experiment: our makespans vs the measured ones (web logs) for 1 node x
c = 1, 2, 4, 8 and 2, 3 nodes x 8, and the per-node split of the 100 submissions, from
scripts/run_aivle.sh's summary.csv (ours: makespan_release_s, the notebook's clock; measured:
measured_s from the web logs). Writes <out>.{png,pdf}.
"""
import balancing_common as bc
import matplotlib.pyplot as plt


def main():
    a = bc.parse_args("aivle", __doc__)
    rows = bc.load(a.summary, ["measured_s", "diff_pct", "node_tasks", "measured_node_tasks"])
    labels = [f"{r['nodes']}x{r['concurrency']}" for r in rows]
    ours = [float(r["makespan_release_s"]) for r in rows]
    meas = [float(r["measured_s"]) for r in rows]
    for r in rows:
        print(f"{r['nodes']} x {r['concurrency']}: ours {float(r['makespan_release_s']):.2f} s, measured "
              f"{r['measured_s']} s ({r['diff_pct']} %), split {r['node_tasks']} vs "
              f"{r['measured_node_tasks']}")
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], meas, 0.4, label="measured (web logs)", color="0.6")
    ax.bar([i + 0.2 for i in x], ours, 0.4, label="clustersim", color="tab:blue")
    for i, r in enumerate(rows):
        ax.text(i + 0.2, ours[i], f"{float(r['diff_pct']):+.1f}%", ha="center", va="bottom",
                fontsize=8)
    ax.set_xticks(list(x), labels)
    ax.set_yscale("log")
    ax.set_xlabel("nodes x concurrency (1-node s(c) calibrated; 2x8, 3x8 predicted)")
    ax.set_ylabel("makespan of 100 submissions (s)")
    ax.legend()
    multi = [r for r in rows if int(r["nodes"]) > 1]
    for j, r in enumerate(multi):
        for k, (col, colour) in enumerate([("measured_node_tasks", "0.6"),
                                           ("node_tasks", "tab:blue")]):
            bottom = 0
            for n, count in enumerate(int(c) for c in r[col].split("/")):
                bx.bar(2 * j + 0.8 * k, count, 0.7, bottom=bottom, color=colour,
                       edgecolor="white", alpha=1 - 0.25 * n)
                bx.text(2 * j + 0.8 * k, bottom + count / 2, str(count), ha="center",
                        va="center", fontsize=8)
                bottom += count
    bx.set_xticks([2 * j + 0.4 for j in range(len(multi))],
                  [f"{r['nodes']}x8: measured | ours" for r in multi])
    bx.set_ylabel("submissions per node")
    fig.suptitle("aiVLE: 100 submissions, Celery broker round robin behind one master"
                 + bc.subset_note(rows))
    bc.save(fig, a.out)


if __name__ == "__main__":
    main()
