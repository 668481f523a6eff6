"""Muri Fig. 11: Muri-L and its worst-ordering and no-Blossom ablations on trace1-4 (quick:
trace3)."""
import muri

FIGURE = "Muri fig 11"


def rows(ctx):
    yield from muri.rows(ctx, "run_muri_fig11.sh", "11", "trace3")
