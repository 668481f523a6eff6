"""Muri (SIGCOMM'22) Figs. 9 and 10: baseline / Muri ratios of avg JCT, makespan and p99 JCT per
trace (Fig. 9: SRTF and SRSF over Muri-S; Fig. 10: Tiresias, Themis, AntMan over Muri-L), from
scripts/run_muri_fig9_10.sh's summary.csv, with the paper's ratios as black ticks.
Writes <out>_fig9.{png,pdf} and <out>_fig10.{png,pdf}.
Note: the paper's trace3 Muri-L avg JCT is the autopack-on value (research/tiresias_muri.md 3.3).
"""
import os

import muri_common as mc

TRACES = ["trace1", "trace1_pr", "trace2", "trace2_pr", "trace3", "trace3_pr", "trace4",
          "trace4_pr"]
METRICS = ["avg_jct", "makespan", "p99_jct"]


def main():
    a = mc.parse_args("muri_fig9_10", __doc__)
    rows = mc.load_summary(a.summary)
    table, pap = mc.ours(rows), mc.paper(a.data)
    traces = mc.traces_in(rows, TRACES)
    head, base = os.path.split(a.out)
    mc.draw("Muri Fig. 9: baseline / Muri-S (n8g8)", traces, METRICS,
            [("SRTF / Muri-S", "SRTF", "Muri-S"), ("SRSF / Muri-S", "SRSF", "Muri-S")],
            table, pap, os.path.join(head, base.replace("fig9_10", "fig9")))
    mc.draw("Muri Fig. 10: baseline / Muri-L (n8g8)", traces, METRICS,
            [("Tiresias / Muri-L", "Tiresias(dlas-gpu)", "Muri-L"),
             ("Themis / Muri-L", "Themis", "Muri-L"), ("AntMan / Muri-L", "AntMan", "Muri-L")],
            table, pap, os.path.join(head, base.replace("fig9_10", "fig10")))


if __name__ == "__main__":
    main()
