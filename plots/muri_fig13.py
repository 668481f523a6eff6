"""Muri (SIGCOMM'22) Fig. 13: model diversity, SRTF / Muri-S and Tiresias / Muri-L on
job_type_1..4 (2, 4, 6, 8 models; autopack on), from scripts/run_muri_fig13.sh's summary.csv,
with the paper's ratios (avg JCT only) as black ticks. Writes <out>.{png,pdf}.
Notes (research/tiresias_muri.md 3.3): the paper's job_type_1 Muri-L point is not reproducible
with Muri's public code; its job_type_4 Muri-S value (85,502.55 s) is the autopack-off trace3 value
of Fig. 9 (job_type_4 = trace3), while autopack on gives 83,242.46 s in Muri's simulator and ours.
"""
import muri_common as mc


def main():
    a = mc.parse_args("muri_fig13", __doc__)
    rows = mc.load_summary(a.summary)
    mc.draw("Muri Fig. 13: baseline / Muri by number of models (n8g8, autopack on)",
            mc.traces_in(rows, ["job_type_1", "job_type_2", "job_type_3", "job_type_4"]),
            ["avg_jct", "makespan", "p99_jct"],
            [("SRTF / Muri-S", "SRTF", "Muri-S"),
             ("Tiresias / Muri-L", "Tiresias(dlas-gpu)", "Muri-L")],
            mc.ours(rows), mc.paper(a.data), a.out,
            trace_label=lambda t: {"job_type_1": "2", "job_type_2": "4", "job_type_3": "6",
                                   "job_type_4": "8"}.get(t, t),
            xlabel="distinct models (job_type_1..4)")


if __name__ == "__main__":
    main()
