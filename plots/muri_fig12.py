"""Muri (SIGCOMM'22) Fig. 12: Muri-L group size, variant / (Muri-L, <= 4 jobs per group) avg JCT
and makespan on the *_pr traces (> 1 = worse than groups of 4), from
scripts/run_muri_fig12.sh's summary.csv, with the paper's ratios as black ticks.
Writes <out>.{png,pdf}.
"""
import muri_common as mc


def variant(r):
    if r["policy"] == "muri-l":
        return f"Muri-L group<={r['packing_num']}"
    return mc.PAPER_NAME.get(r["policy"], r["policy"])


def main():
    a = mc.parse_args("muri_fig12", __doc__)
    rows = mc.load_summary(a.summary)
    mc.draw("Muri Fig. 12: Muri-L max group size / groups of 4 (n8g8, *_pr traces)",
            mc.traces_in(rows, ["trace1_pr", "trace2_pr", "trace3_pr", "trace4_pr"]),
            ["avg_jct", "makespan"],
            [("group<=2 / group<=4", "Muri-L group<=2", "Muri-L group<=4"),
             ("group<=3 / group<=4", "Muri-L group<=3", "Muri-L group<=4"),
             ("AntMan / group<=4", "AntMan", "Muri-L group<=4")],
            mc.ours(rows, variant), mc.paper(a.data), a.out)


if __name__ == "__main__":
    main()
