"""CS423 MP4 (Group 09): the local node's pending queue every 2 s under the sender, receiver and
symmetric transfer policies, ours vs the report's lists (pending_jobs_timeline.csv), from
scripts/run_mp4.sh's timeline.csv and summary.csv (ours: makespan_s; reported: measured_s).
Writes <out>.{png,pdf}.
"""
import os

import balancing_common as bc
import matplotlib.pyplot as plt


def main():
    a = bc.parse_args("mp4", __doc__)
    rows = bc.load(a.summary, ["measured_s", "diff_pct", "sent", "measured_sent"])
    timeline = bc.load(os.path.join(os.path.dirname(os.path.abspath(a.summary)), "timeline.csv"))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, r in zip(axes, rows):
        p = r["migration"]
        print(f"{p}: ours {float(r['makespan_s']):.2f} s, reported {r['measured_s']} s "
              f"({r['diff_pct']} %), sent {r['sent']} (report {r['measured_sent']})")
        pts = [t for t in timeline if t["migration"] == p]
        ax.plot([float(t["t_s"]) for t in pts if t["report"]],
                [int(t["report"]) for t in pts if t["report"]], "o-", ms=3, color="0.5",
                label=f"report (total {float(r['measured_s']):.1f} s)")
        ax.plot([float(t["t_s"]) for t in pts if t["ours"]],
                [int(t["ours"]) for t in pts if t["ours"]], "-", color="tab:blue",
                label=f"clustersim (total {float(r['makespan_s']):.1f} s)")
        ax.axhline(100 if p != "receiver" else 50, ls=":", color="0.3", lw=0.8)
        ax.set_title(f"{p}-initiated" if p != "symmetric" else "symmetric")
        ax.set_xlabel("time (s, one sample per 2-s state update)")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("local node's pending jobs")
    fig.suptitle("MP4: 1024 jobs, 2 nodes, state every 2 s, MAX 100 / MIN 50" + bc.subset_note(rows))
    bc.save(fig, a.out)


if __name__ == "__main__":
    main()
