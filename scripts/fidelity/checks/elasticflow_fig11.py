"""ElasticFlow fig 11: 200 jobs on 64 A100 GPUs, best-effort share 10..90 % (every share in both
modes: all runs together take seconds)."""
import ef

FIGURE = "ElasticFlow fig 11"


def rows(ctx):
    yield from ef.rows(ctx, "fig11")
