#!/usr/bin/python3
"""Goodput and tail latency vs SLO for clockwork, clipper and fifo (scripts/run_clockwork_slo.sh).

Fig. 5 setup of Clockwork (OSDI'20): 15 copies of resnet50_v2 on one V100, 16 closed-loop
clients per copy. Left: goodput (answered within the SLO, requests/s over the run) of each policy
vs the SLO, throughput dashed (clockwork's, which counts its timeouts, runs off the axis at tight
SLOs). Right: p99 and maximum latency vs the SLO, with the SLO itself as a
diagonal. The paper shows this comparison qualitatively (no anchor numbers): Clockwork keeps its
latency under the SLO by dropping, the baselines queue and answer late. Writes <prefix>.{png,pdf}
and prints the table."""
from _cwplot import args, plt, rows, save, subset_note

summary, prefix, _ = args("clockwork_slo", __doc__.splitlines()[0])
rs = rows(summary)
note = subset_note(rs)
policies = []
for r in rs:
    if r["policy"] not in policies:
        policies.append(r["policy"])
colors = {"clockwork": "tab:blue", "clipper": "tab:orange", "fifo": "tab:gray"}
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
print("policy,slo_ms,goodput_rps,throughput_rps,slo_attainment,p99_ms,max_ms,mean_batch")
for p in policies:
    pr = sorted((r for r in rs if r["policy"] == p), key=lambda r: float(r["slo_ms"]))
    slo = [float(r["slo_ms"]) for r in pr]
    c = colors.get(p)
    left.plot(slo, [float(r["mean_goodput_rps"]) for r in pr], marker="o", color=c, label=f"{p} goodput")
    left.plot(slo, [float(r["throughput_mean_rps"]) for r in pr], ls="--", color=c, lw=0.8,
              label=f"{p} throughput")
    right.plot(slo, [float(r["latency_p99_ms"]) for r in pr], marker="o", color=c, label=f"{p} p99")
    right.plot(slo, [float(r["latency_max_ms"]) for r in pr], ls=":", marker=".", color=c, label=f"{p} max")
    for r in pr:
        print(f"{p},{r['slo_ms']},{float(r['mean_goodput_rps']):.0f},"
              f"{float(r['throughput_mean_rps']):.0f},{float(r['slo_attainment']):.4f},"
              f"{float(r['latency_p99_ms']):.1f},{float(r['latency_max_ms']):.1f},{r['mean_batch']}")
slos = sorted({float(r["slo_ms"]) for r in rs})
right.plot(slos, slos, color="black", lw=0.8, label="SLO")
for ax in (left, right):
    ax.set_xscale("log")
    ax.set_xlabel("SLO (ms)")
    ax.legend(fontsize=6)
left.set_ylabel("requests/s")
# Clockwork's throughput counts its timeouts (24k r/s at 10 ms): the axis is scaled to the
# goodputs and the baselines' throughput instead, the table above has every value.
top = max([float(r["mean_goodput_rps"]) for r in rs] +
          [float(r["throughput_mean_rps"]) for r in rs if r["policy"] != "clockwork"] + [1.0])
left.set_ylim(0, 1.3 * top)
left.set_title("goodput vs SLO (15 x resnet50_v2, 1 GPU, closed loop)" + note, fontsize=9)
right.set_yscale("log")
right.set_ylabel("latency (ms)")
right.set_title("tail latency vs SLO" + note, fontsize=9)
save(fig, prefix)
