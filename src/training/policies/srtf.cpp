// srtf: preemptive shortest-remaining-time-first (Tiresias `shortest`): remaining exclusive run
// time (duration - executed); ties keep the previous event's order. Re-placed every event.
#include "training/policies/stable_order.hpp"

namespace clustersim {
namespace {

const bool registered = register_policy(
    "srtf", "preemptive shortest remaining time first (Tiresias shortest)", [](const PolicyEnv&) {
      return std::make_unique<tiresias::StableOrderPolicy>(
          [](const SchedulingContext& ctx, int i) { return tiresias::remaining_seconds(ctx, i); });
    });

}  // namespace
}  // namespace clustersim
