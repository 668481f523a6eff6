"""Muri (SIGCOMM'22) Fig. 11: Muri-L ablations, variant / Muri-L avg JCT and makespan per trace
(> 1 = the ablation is worse), from scripts/run_muri_fig11.sh's summary.csv, with the paper's
ratios as black ticks. Writes <out>.{png,pdf}.
"""
import muri_common as mc


def main():
    a = mc.parse_args("muri_fig11", __doc__)
    rows = mc.load_summary(a.summary)
    table = mc.ours(rows, lambda r: r.get("variant") or mc.PAPER_NAME.get(r["policy"]))
    mc.draw("Muri Fig. 11: Muri-L ablations / Muri-L (n8g8)",
            mc.traces_in(rows, ["trace1", "trace2", "trace3", "trace4"]), ["avg_jct", "makespan"],
            [("worst ordering / Muri-L", "Muri-L worst ordering", "Muri-L"),
             ("w/o Blossom / Muri-L", "Muri-L w/o Blossom", "Muri-L")],
            table, mc.paper(a.data), a.out)


if __name__ == "__main__":
    main()
