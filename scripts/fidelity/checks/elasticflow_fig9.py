"""ElasticFlow fig 9: 1000 jobs on 64, 128 and 256 A100 GPUs (quick: 64 GPUs)."""
import ef

FIGURE = "ElasticFlow fig 9"


def rows(ctx):
    yield from ef.rows(ctx, "fig9", quick=True)
