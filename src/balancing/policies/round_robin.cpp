// round-robin: nodes in turn, weighted by the spec's weight (smooth weighted round robin as in
// nginx: each turn every node gains its weight and the richest, which pays the total, is chosen;
// equal weights give plain cyclic order n0, n1, ...). Poisson input makes each of k equal nodes
// see Erlang-k inter-arrival times (E_k/M/1).
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class RoundRobin final : public DispatchPolicy {
 public:
  explicit RoundRobin(const DispatchEnv& env) {
    for (const auto& n : env.cluster.nodes) {
      weights_.push_back(n.weight);
      total_ += n.weight;
    }
    current_.assign(weights_.size(), 0.0);
  }
  int place(const Task&, const NodeView&, RngStream&) override {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      current_[i] += weights_[i];
      if (current_[i] > current_[best]) best = i;
    }
    current_[best] -= total_;
    return static_cast<int>(best);
  }

 private:
  std::vector<double> weights_, current_;
  double total_ = 0;
};

const bool registered = register_dispatch(
    "round-robin", "nodes in turn, weighted by the spec's weight (smooth weighted round robin)",
    [](const DispatchEnv& env) { return std::make_unique<RoundRobin>(env); });

}  // namespace
}  // namespace clustersim::balancing
