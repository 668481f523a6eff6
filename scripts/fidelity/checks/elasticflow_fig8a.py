"""ElasticFlow fig 8a: 195 jobs (elasticVpollux_e) on 64 T4 GPUs, slot 60 s."""
import ef

FIGURE = "ElasticFlow fig 8a"


def rows(ctx):
    yield from ef.rows(ctx, "fig8a")
