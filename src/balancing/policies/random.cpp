// random: each task to a node drawn at random, uniformly or in proportion to the node's capacity
// (slots x speed x throttle) or weight. With Poisson input every node sees Poisson arrivals
// (Bernoulli splitting), so identical single-slot nodes are independent M/M/1 queues.
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Random final : public DispatchPolicy {
 public:
  explicit Random(const DispatchEnv& env) {
    const std::string by = env.params.get_string("random.by");
    if (by == "uniform") return;
    for (const auto& n : env.cluster.nodes)
      weights_.push_back(by == "weight" ? n.weight : n.slots * n.speed * n.throttle);
  }
  int place(const Task&, const NodeView& v, RngStream& rng) override {
    if (weights_.empty()) return static_cast<int>(rng.uniform_int(0, v.nodes() - 1));
    return static_cast<int>(rng.weighted_index(weights_));
  }

 private:
  std::vector<double> weights_;
};

const bool registered = register_dispatch(
    "random", "uniformly random node (Bernoulli split; optionally weighted)",
    [](const DispatchEnv& env) { return std::make_unique<Random>(env); },
    {param::choice("random.by", "uniform", {"uniform", "capacity", "weight"},
                   "node probabilities: equal, slots x speed x throttle, or the spec's weight")});

}  // namespace
}  // namespace clustersim::balancing
