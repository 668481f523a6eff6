// Placement: which nodes' GPUs a job gets. Schemes register by name:
//   count         GPU counting only (no node assignment), as the Tiresias simulator's `count`
//   consolidated  fewest nodes: a job that fits in one node takes the first node with enough
//                 free GPUs; a larger job takes whole free nodes, then one node for the rest
//                 (the GPU part of the Tiresias/Muri `yarn` scheme)
//   topology      fewest switches crossed, then fewest nodes, best fit
// A scheme never changes ClusterState unless it succeeds.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

class PlacementScheme {
 public:
  virtual ~PlacementScheme() = default;
  /// Tries to place `gpus` GPUs of `job`; on success takes them from `state` and returns where.
  /// Count-only schemes return an empty NodeShares on success.
  virtual std::optional<NodeShares> place(const Job& job, int gpus, ClusterState& state) const = 0;
  /// True if this scheme assigns nodes (false for `count`).
  virtual bool assigns_nodes() const = 0;
  /// Takes (sign = +1) or gives back (sign = -1) the non-GPU resources (CPUs, memory) that `job`
  /// holds when placed at `where`. The engine calls it for placements it keeps or receives
  /// explicitly (their GPUs are taken with take()) and for finishing jobs; place() charges its
  /// own placements. Default: the scheme tracks GPUs only.
  virtual void charge_extra(const Job& /*job*/, const NodeShares& /*where*/,
                            ClusterState& /*state*/, int /*sign*/) const {}
};

/// Takes `gpus` GPUs at `where` (empty = count only) from `state`; false, and `state`
/// unchanged, if they are not free.
bool take(ClusterState& state, const NodeShares& where, int gpus);
/// Gives them back.
void release(ClusterState& state, const NodeShares& where, int gpus);

using PlacementFactory =
    std::function<std::unique_ptr<PlacementScheme>(const Cluster&, const Params&)>;
Registry<PlacementFactory>& placement_schemes();

}  // namespace clustersim
