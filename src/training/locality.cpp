// Locality slowdown wrapper around a throughput model (see throughput.hpp).
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {
namespace {

class LocalityThroughput final : public ThroughputModel {
 public:
  LocalityThroughput(std::unique_ptr<ThroughputModel> base, const Cluster& c, double node_f,
                     double switch_f)
      : base_(std::move(base)), cluster_(c), node_f_(node_f), switch_f_(switch_f) {}

  double work(const Job& j) const override { return base_->work(j); }
  double rate(const Job& j, int gpus, const NodeShares& where) const override {
    const double r = base_->rate(j, gpus, where);
    if (where.size() <= 1) return r;
    std::set<int> switches;
    for (auto [node, g] : where)
      switches.insert(cluster_.nodes()[node].switch_id);
    return r * std::pow(node_f_, static_cast<double>(where.size() - 1)) *
           std::pow(switch_f_, static_cast<double>(switches.size() - 1));
  }
  std::vector<int> levels(const Job& j) const override { return base_->levels(j); }
  void check(const Job& j, const std::string& trace) const override { base_->check(j, trace); }
  std::string describe() const override {
    return fmt::format("{} with locality slowdown (node {}, switch {})", base_->describe(), node_f_,
                       switch_f_);
  }

 private:
  std::unique_ptr<ThroughputModel> base_;
  const Cluster& cluster_;
  double node_f_, switch_f_;
};

}  // namespace

std::unique_ptr<ThroughputModel> make_locality_throughput(std::unique_ptr<ThroughputModel> base,
                                                          const Cluster& cluster,
                                                          double node_factor,
                                                          double switch_factor) {
  return std::make_unique<LocalityThroughput>(std::move(base), cluster, node_factor, switch_factor);
}

}  // namespace clustersim
