// lwl: least work left — the node whose queued and remaining work, divided by its capacity
// (slots x speed x throttle), is smallest; ties to the lowest index. With exact sizes and
// identical single-slot nodes it behaves as one central FCFS queue (M/G/c).
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Lwl final : public DispatchPolicy {
 public:
  int place(const Task&, const NodeView& v, RngStream&) override {
    int best = 0;
    double best_left = 0;
    for (int n = 0; n < v.nodes(); ++n) {
      const auto& s = v.spec(n);
      // An idle slot means no wait at all, whatever the other slots hold.
      const double left = v.has_room(n) && v.queued(n) == 0
                              ? -1.0 / (s.slots * s.speed)
                              : v.work_left(n) / (s.slots * s.speed * s.throttle);
      if (n == 0 || left < best_left) best = n, best_left = left;
    }
    return best;
  }
};

const bool registered =
    register_dispatch("lwl", "least work left (queued + remaining work per unit of capacity)",
                      [](const DispatchEnv&) { return std::make_unique<Lwl>(); });

}  // namespace
}  // namespace clustersim::balancing
