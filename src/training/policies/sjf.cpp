// sjf: preemptive smallest-job-first (Tiresias `sjf`): fewest requested GPUs first, ties in
// arrival order; every job is re-placed at every event, with backfilling.
#include "training/policies/stable_order.hpp"

namespace clustersim {
namespace {

const bool registered = register_policy(
    "sjf", "preemptive smallest (fewest GPUs) job first, backfilling (Tiresias sjf)",
    [](const PolicyEnv&) {
      return std::make_unique<tiresias::StableOrderPolicy>(
          [](const SchedulingContext& ctx, int i) { return static_cast<double>(ctx.job(i).gpus); });
    });

}  // namespace
}  // namespace clustersim
