// fjf: fit-job-first (Tiresias `fjf`): non-preemptive; pending jobs are tried in arrival order
// and any job that fits starts (backfilling), unlike fifo which stops at the first misfit.
#include "clustersim/training/policy.hpp"

namespace clustersim {
namespace {

class FitJobFirst final : public TrainingPolicy {
 public:
  Decision schedule(const SchedulingContext& ctx) override {
    Decision d;
    ClusterState free = ctx.cluster_state();
    for (int i : ctx.active()) {
      const auto& r = ctx.state(i);
      if (r.status == JobStatus::kRunning) d.run.push_back({i, r.gpus, r.nodes});
    }
    for (int i : ctx.active()) {
      if (free.total_free_gpus <= 0) break;
      if (ctx.state(i).status != JobStatus::kPending) continue;
      const Job& job = ctx.job(i);
      if (auto where = ctx.placement().place(job, job.gpus, free))
        d.run.push_back({i, job.gpus, *where});
    }
    return d;
  }
};

const bool registered = register_policy(
    "fjf", "fit-job-first: non-preemptive, arrival order with backfilling (Tiresias fjf)",
    [](const PolicyEnv&) { return std::make_unique<FitJobFirst>(); });

}  // namespace
}  // namespace clustersim
