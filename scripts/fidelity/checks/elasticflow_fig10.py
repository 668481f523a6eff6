"""ElasticFlow fig 10: 100 jobs on 128 A100 GPUs."""
import ef

FIGURE = "ElasticFlow fig 10"


def rows(ctx):
    yield from ef.rows(ctx, "fig10")
