// Muri's job grouping: which jobs of one GPU-size class share GPUs.
//
// Blossom grouping (Muri's `Blossom_Same`): up to `packing_num` rounds; in each round, per class,
// the current groups are nodes of a graph with an edge between two groups when their union has
// at most `packing_num` jobs and a positive interleaving efficiency gamma (the edge weight); a
// maximum-weight matching is computed (Edmonds blossom, see max_weight_matching). The results
// are listed per class in node order (a matched pair at its larger node index, the smaller node
// first) and walked across all classes in that order, merging matched pairs only while the GPUs
// required (sum over groups of the class size) exceed the cluster's; every merge saves one group's
// GPUs. Rounds stop as soon as the requirement fits. Without Blossom
// (`multi-resource-gpu-unaware`): within each class, consecutive runs of `packing_num` candidates
// (the slots opened by candidate selection) are merged job by job while the requirement exceeds the
// cluster.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "training/muri/interleave.hpp"

namespace clustersim::muri {

/// Memoised group times over a fixed table of distinct job profiles: the group time depends only
/// on the multiset of member profiles.
class Interleaver {
 public:
  explicit Interleaver(Calibration cal, std::vector<JobProfile> profiles = {});
  /// Id of this profile, adding it if it is new (exact comparison of all four times).
  int intern(const JobProfile& p);
  const JobProfile& profile(int id) const { return profiles_[id]; }
  /// Calibrated group iteration time of the members with these profile ids (1..4).
  double time(const std::vector<int>& profile_ids, Ordering ordering);
  /// gamma: sum of stage times / (4 x time).
  double efficiency(const std::vector<int>& profile_ids, Ordering ordering);
  /// Memo of matchings keyed by the graph's signature (the profile ids of every node's members,
  /// in node order, plus the grouping settings): the weights, hence the matching, depend on
  /// nothing else. Bounded; cleared when full.
  std::unordered_map<std::string, std::vector<int>>& matching_memo() { return matchings_; }

 private:
  std::vector<JobProfile> profiles_;
  std::map<std::array<double, 4>, int> ids_;
  Calibration cal_;
  std::unordered_map<std::uint64_t, double> cache_[2];
  std::unordered_map<std::string, std::vector<int>> matchings_;
};

/// Maximum-weight (not necessarily perfect) matching on n vertices: the O(n^3) primal-dual
/// Edmonds blossom algorithm with floating-point weights, organised as in Muri's matching.py
/// (vertex labels start at the largest weight; tight edges are those with slack <= 0; a dual
/// update stops when a free vertex's label would reach 0 within a relative 1e-5) so that ties
/// between equal-weight matchings are broken the same way. `w` is n x n row-major, w[u*n+v] =
/// weight seen from u (> 0 = edge). Returns mate[v] (-1 = unmatched).
/// (Boost 1.74's maximum_weighted_matching loops forever on some of Muri's graphs, hence our own.)
/// Muri's own algorithm can also break down: with its float tolerances, many exactly tied
/// weights and w[u*n+v] != w[v*n+u] by one ulp (Muri fills both directions, summing the members'
/// stage times in different orders), it reaches states where its augment loop never ends (seen
/// on trace2 and trace4 with Muri-L; Muri's Python would hang there). Such a state (a path that
/// cycles, a blossom lookup that fails, or more loop steps than 256 n^2, while completed runs
/// need < n^2) restarts the matching on symmetric weights w[min(u,v)*n+max(u,v)], which
/// completes; InvariantError if even that breaks down.
std::vector<int> max_weight_matching(int n, const std::vector<double>& w);
/// Convenience: symmetric weights from an edge list (u, v, w), w > 0.
std::vector<int> max_weight_matching(int n, const std::vector<std::tuple<int, int, double>>& edges);

using Group = std::vector<int>;  ///< job ids
struct GpuClass {
  int gpus = 0;
  std::vector<Group> groups;
};

struct GroupingConfig {
  int packing_num = 4;
  Ordering ordering = Ordering::kBest;
  double weight_lbd = 0;  ///< edge only if gamma > weight_lbd x |union| / 4
  /// Skip the matching of a class whose walk starts when the groups already fit (Muri computes
  /// it anyway; nothing of that class merges and it is the last round, so the matching only
  /// orders the class's groups, which matters only with autopack).
  bool skip_matching_when_fits = false;
};

/// Blossom grouping. `classes` in Muri's class order, each with its candidate jobs as singleton
/// groups in priority order; `profile_of[job]` = the job's profile id in `il`.
std::vector<GpuClass> blossom_grouping(std::vector<GpuClass> classes, int cluster_gpus,
                                       const GroupingConfig& cfg, Interleaver& il,
                                       const std::vector<int>& profile_of);

/// The no-Blossom ablation. `slots[c]` = number of slots candidate selection opened in class c;
/// `required` = the GPUs the candidates need.
std::vector<GpuClass> sequential_grouping(const std::vector<GpuClass>& classes,
                                          const std::vector<int>& slots, int required,
                                          int cluster_gpus, int packing_num);

}  // namespace clustersim::muri
