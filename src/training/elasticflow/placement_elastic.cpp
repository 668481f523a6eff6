// `elastic` placement: the ElasticFlow artifact's node-set placement (cluster.elastic_placement)
// as a per-job scheme. A job of at least one node's GPUs (a whole multiple) takes that many
// fully free nodes, lowest ids first. A smaller job tries, as the artifact does with its
// size-class lists, (1) the least used partly used node whose free GPUs file under its own
// size class (the largest power-of-two class dividing them), (2) then, for each larger class
// from the largest down, the least used node filed there, if the job fits, (3) then a fully
// free node. Only the first candidate of each class is tried, as in the artifact. The artifact
// re-places every job from an empty cluster at every point; under the engine, jobs whose GPU
// count is unchanged keep their nodes, so this is an approximation of where jobs land (it never
// changes speed). The elasticflow/edf-ac policies replay the artifact's exact node sets
// internally for their overhead cache. When kept jobs fragment the cluster so that no node
// fits, the job is spread over the nodes with the most free GPUs.
#include <algorithm>

#include "clustersim/training/placement.hpp"

namespace clustersim {
namespace {

constexpr int kClasses[] = {1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 88, 128, 256};

int size_class(int free) {
  int best = 0;
  for (int c : kClasses) {
    if (c <= free && free % c == 0) best = c;
  }
  return best;
}

class ElasticPlacement final : public PlacementScheme {
 public:
  explicit ElasticPlacement(const Cluster& c) : cluster_(c) {}

  std::optional<NodeShares> place(const Job&, int gpus, ClusterState& s) const override {
    if (gpus <= 0 || s.total_free_gpus < gpus) return std::nullopt;
    const int n = static_cast<int>(s.free_gpus.size());
    auto cap = [&](int i) { return cluster_.nodes()[i].gpus; };
    NodeShares out;
    const int gpn = n > 0 ? cap(0) : 0;
    if (gpn > 0 && gpus >= gpn && gpus % gpn == 0) {
      int left = gpus;
      for (int i = 0; i < n && left > 0; ++i) {
        if (s.free_gpus[i] == cap(i) && cap(i) <= left) {
          out.emplace_back(i, cap(i));
          left -= cap(i);
        }
      }
      if (left > 0) return spread(gpus, s);
      take(s, out, gpus);
      return out;
    }
    // First (least used, then lowest id) partly used node filed under class `c`.
    auto first_of_class = [&](int c) {
      int best = -1;
      for (int i = 0; i < n; ++i) {
        const int f = s.free_gpus[i];
        if (f <= 0 || f >= cap(i) || size_class(f) != c) continue;
        if (best < 0 || cap(i) - f < cap(best) - s.free_gpus[best]) best = i;
      }
      return best;
    };
    int node = first_of_class(gpus);
    if (node >= 0 && s.free_gpus[node] < gpus) node = -1;
    if (node < 0) {
      for (auto it = std::rbegin(kClasses); it != std::rend(kClasses) && *it > gpus; ++it) {
        const int cand = first_of_class(*it);
        if (cand >= 0 && s.free_gpus[cand] >= gpus) {
          node = cand;
          break;
        }
      }
    }
    if (node < 0) {
      for (int i = 0; i < n; ++i) {
        if (s.free_gpus[i] == cap(i) && cap(i) >= gpus) {
          node = i;
          break;
        }
      }
    }
    if (node < 0) return spread(gpus, s);
    out.emplace_back(node, gpus);
    take(s, out, gpus);
    return out;
  }
  bool assigns_nodes() const override { return true; }

 private:
  // Fallback when jobs that kept their nodes fragment the cluster (the artifact re-places all
  // jobs from empty each point and never gets here): fullest-free nodes first.
  static std::optional<NodeShares> spread(int gpus, ClusterState& s) {
    std::vector<int> order(s.free_gpus.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return s.free_gpus[a] > s.free_gpus[b]; });
    NodeShares out;
    int left = gpus;
    for (int i : order) {
      if (left == 0) break;
      const int g = std::min(left, s.free_gpus[i]);
      if (g > 0) {
        out.emplace_back(i, g);
        left -= g;
      }
    }
    if (left > 0) return std::nullopt;
    take(s, out, gpus);
    return out;
  }
  const Cluster& cluster_;
};

const bool registered = [] {
  placement_schemes().add(
      "elastic",
      "ElasticFlow's node-set placement: whole nodes for big jobs, size-class packing for small "
      "ones",
      [](const Cluster& c, const Params&) { return std::make_unique<ElasticPlacement>(c); });
  return true;
}();

}  // namespace
}  // namespace clustersim
