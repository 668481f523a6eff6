"""Muri Fig. 12: Muri-L with groups of <= 2, 3, 4 jobs and AntMan on trace1-4_pr (quick:
trace3_pr)."""
import muri

FIGURE = "Muri fig 12"


def rows(ctx):
    yield from muri.rows(ctx, "run_muri_fig12.sh", "12", "trace3_pr")
