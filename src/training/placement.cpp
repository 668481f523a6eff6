#include "clustersim/training/placement.hpp"

#include <algorithm>
#include <numeric>

namespace clustersim {

Registry<PlacementFactory>& placement_schemes() {
  static Registry<PlacementFactory> registry("placement", "training");
  return registry;
}

bool take(ClusterState& s, const NodeShares& where, int gpus) {
  if (s.total_free_gpus < gpus) return false;
  for (auto& [node, g] : where) {
    if (node < 0 || node >= static_cast<int>(s.free_gpus.size()) || s.free_gpus[node] < g)
      return false;
  }
  for (auto& [node, g] : where)
    s.free_gpus[node] -= g;
  s.total_free_gpus -= gpus;
  return true;
}

void release(ClusterState& s, const NodeShares& where, int gpus) {
  for (auto& [node, g] : where)
    s.free_gpus[node] += g;
  s.total_free_gpus += gpus;
}

namespace {

class CountPlacement final : public PlacementScheme {
 public:
  std::optional<NodeShares> place(const Job&, int gpus, ClusterState& s) const override {
    if (s.total_free_gpus < gpus) return std::nullopt;
    s.total_free_gpus -= gpus;
    return NodeShares{};
  }
  bool assigns_nodes() const override { return false; }
};

class ConsolidatedPlacement final : public PlacementScheme {
 public:
  explicit ConsolidatedPlacement(const Cluster& c) : cluster_(c) {}
  std::optional<NodeShares> place(const Job&, int gpus, ClusterState& s) const override {
    if (s.total_free_gpus < gpus) return std::nullopt;
    const int n = static_cast<int>(s.free_gpus.size());
    NodeShares out;
    for (int i = 0; i < n; ++i) {  // fits in one node: first node with room
      if (s.free_gpus[i] >= gpus) {
        out.emplace_back(i, gpus);
        take(s, out, gpus);
        return out;
      }
    }
    // Larger than any node's free GPUs: whole free nodes first, then one node for the rest.
    int left = gpus;
    std::vector<char> used(n, 0);
    for (int i = 0; i < n && left > 0; ++i) {
      const int cap = cluster_.nodes()[i].gpus;
      if (cap > 0 && s.free_gpus[i] == cap && cap <= left) {
        out.emplace_back(i, cap);
        used[i] = 1;
        left -= cap;
      }
    }
    for (int i = 0; i < n && left > 0; ++i) {
      if (!used[i] && s.free_gpus[i] >= left) {
        out.emplace_back(i, left);
        left = 0;
      }
    }
    if (left > 0) return std::nullopt;
    take(s, out, gpus);
    return out;
  }
  bool assigns_nodes() const override { return true; }

 private:
  const Cluster& cluster_;
};

// Fewest switches first; inside the chosen switch, fill the fullest nodes that still fit
// (best fit) so whole nodes stay free for large jobs.
class TopologyPlacement final : public PlacementScheme {
 public:
  explicit TopologyPlacement(const Cluster& c) : cluster_(c) {}
  std::optional<NodeShares> place(const Job&, int gpus, ClusterState& s) const override {
    if (s.total_free_gpus < gpus) return std::nullopt;
    const auto& nodes = cluster_.nodes();
    const int nsw = static_cast<int>(cluster_.switches().size());
    std::vector<int> free_by_switch(nsw, 0);
    for (std::size_t i = 0; i < nodes.size(); ++i)
      free_by_switch[nodes[i].switch_id] += s.free_gpus[i];
    // Best single node, then best single switch, else spread over switches by free GPUs.
    int best_node = -1;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (s.free_gpus[i] >= gpus && (best_node < 0 || s.free_gpus[i] < s.free_gpus[best_node])) {
        best_node = static_cast<int>(i);
      }
    }
    NodeShares out;
    if (best_node >= 0) {
      out.emplace_back(best_node, gpus);
      take(s, out, gpus);
      return out;
    }
    std::vector<int> order(nsw);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      bool fa = free_by_switch[a] >= gpus, fb = free_by_switch[b] >= gpus;
      if (fa != fb) return fa;
      return fa ? free_by_switch[a] < free_by_switch[b] : free_by_switch[a] > free_by_switch[b];
    });
    int left = gpus;
    for (int sw : order) {
      std::vector<int> in_switch;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].switch_id == sw && s.free_gpus[i] > 0)
          in_switch.push_back(static_cast<int>(i));
      }
      std::stable_sort(in_switch.begin(), in_switch.end(),
                       [&](int a, int b) { return s.free_gpus[a] > s.free_gpus[b]; });
      for (int i : in_switch) {
        if (left == 0) break;
        int g = std::min(left, s.free_gpus[i]);
        out.emplace_back(i, g);
        left -= g;
      }
      if (left == 0) break;
    }
    if (left > 0) return std::nullopt;
    take(s, out, gpus);
    return out;
  }
  bool assigns_nodes() const override { return true; }

 private:
  const Cluster& cluster_;
};

const bool registered = [] {
  auto& r = placement_schemes();
  r.add("count", "GPU counting only, no node assignment (Tiresias `count`)",
        [](const Cluster&, const Params&) { return std::make_unique<CountPlacement>(); });
  r.add("consolidated",
        "fewest nodes: first node that fits, else whole free nodes (GPU part of `yarn`)",
        [](const Cluster& c, const Params&) { return std::make_unique<ConsolidatedPlacement>(c); });
  r.add("topology", "fewest switches crossed on the cluster graph, then best-fit nodes",
        [](const Cluster& c, const Params&) { return std::make_unique<TopologyPlacement>(c); });
  return true;
}();

}  // namespace
}  // namespace clustersim
