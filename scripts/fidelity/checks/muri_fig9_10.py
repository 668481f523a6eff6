"""Muri Figs. 9/10: SRTF, SRSF, Tiresias, Themis, AntMan, Muri-S, Muri-L on trace1-4 and
trace1-4_pr, autopack off (quick: trace3 and trace3_pr, full traces)."""
import muri

FIGURE = "Muri figs 9/10"


def rows(ctx):
    yield from muri.rows(ctx, "run_muri_fig9_10.sh", "9_10", "trace3,trace3_pr")
