// srsf: preemptive shortest-remaining-service-first (Tiresias `shortest-gpu`): remaining time x
// requested GPUs; ties keep the previous event's order. Re-placed every event.
#include "training/policies/stable_order.hpp"

namespace clustersim {
namespace {

const bool registered = register_policy(
    "srsf",
    "preemptive shortest remaining GPU time (remaining x GPUs) first (Tiresias shortest-gpu)",
    [](const PolicyEnv&) {
      return std::make_unique<tiresias::StableOrderPolicy>([](const SchedulingContext& ctx, int i) {
        return tiresias::remaining_seconds(ctx, i) * ctx.job(i).gpus;
      });
    });

}  // namespace
}  // namespace clustersim
