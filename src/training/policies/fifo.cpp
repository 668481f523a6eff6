// fifo: non-preemptive first-in first-out with head-of-line blocking (Tiresias `fifo`):
// pending jobs start in arrival order until the first one that does not fit.
#include "clustersim/training/policy.hpp"

namespace clustersim {
namespace {

class Fifo final : public TrainingPolicy {
 public:
  Decision schedule(const SchedulingContext& ctx) override {
    Decision d;
    ClusterState free = ctx.cluster_state();
    for (int i : ctx.active()) {
      const auto& r = ctx.state(i);
      if (r.status == JobStatus::kRunning) d.run.push_back({i, r.gpus, r.nodes});
    }
    for (int i : ctx.active()) {
      const auto& r = ctx.state(i);
      if (r.status != JobStatus::kPending) continue;
      auto where = ctx.placement().place(ctx.job(i), ctx.job(i).gpus, free);
      if (!where) break;
      d.run.push_back({i, ctx.job(i).gpus, *where});
    }
    return d;
  }
};

const bool registered = register_policy("fifo", "non-preemptive FIFO, head-of-line blocking",
                                        [](const PolicyEnv&) { return std::make_unique<Fifo>(); });

}  // namespace
}  // namespace clustersim
