"""Muri Fig. 13: SRTF, Tiresias, Muri-S, Muri-L on job_type_1-4, autopack on (quick: the same,
every trace has 992 jobs)."""
import muri

FIGURE = "Muri fig 13"


def rows(ctx):
    yield from muri.rows(ctx, "run_muri_fig13.sh", "13", "job_type_1,job_type_2,job_type_3,job_type_4")
