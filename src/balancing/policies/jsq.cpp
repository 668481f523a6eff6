// jsq: join the shortest queue — the node with the fewest tasks (running, starting and queued)
// per slot; ties broken uniformly at random (Winston 1977; least-connections).
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Jsq final : public DispatchPolicy {
 public:
  int place(const Task&, const NodeView& v, RngStream& rng) override {
    int best = 0, ties = 0;
    double best_load = 0;
    for (int n = 0; n < v.nodes(); ++n) {
      const double load = static_cast<double>(v.held(n) + v.queued(n)) / v.spec(n).slots;
      if (ties == 0 || load < best_load) {
        best = n, best_load = load, ties = 1;
      } else if (load == best_load && rng.uniform_int(0, ties++) == 0) {
        best = n;  // reservoir sampling: each tied node wins with probability 1/ties
      }
    }
    return best;
  }
};

const bool registered =
    register_dispatch("jsq", "join the shortest queue (fewest tasks per slot, random ties)",
                      [](const DispatchEnv&) { return std::make_unique<Jsq>(); });

}  // namespace
}  // namespace clustersim::balancing
