// The balancing family's model (DESIGN.md "Three workload families"): tasks with a service
// demand, worker nodes with concurrency slots, a speed factor and a throttle, and the links
// between nodes that carry state messages and task transfers.
//
// Units: a task's `work_s` is its service demand in seconds on a node of speed 1 with one busy
// slot (no contention, no throttle). A node of speed v whose contention model gives f(b) with b
// busy slots and whose throttle is p serves every running task at rate v·p / f(b).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim::balancing {

/// One unit of work as a workload yields it.
struct Task {
  std::int64_t id = 0;
  SimTime arrival = 0;
  double work_s = 0;  ///< service demand (see the header comment), > 0
  double size = 0;    ///< optional size key (SITA routes by it; 0 = use work_s)
  int cls = 0;        ///< optional class
  int origin = -1;    ///< node that owns the task on arrival (origin dispatch, MP4), -1 = none
  int client = -1;    ///< closed loops: the submitting client
};

struct NodeSpec {
  std::string name;
  int slots = 1;        ///< concurrency slots (Celery's --concurrency, cores), >= 1
  double speed = 1;     ///< service rate factor, > 0
  double throttle = 1;  ///< fraction of each throttle period the node works, (0, 1]
  double weight = 1;    ///< weight for weighted round robin / random, > 0
  std::map<std::string, double> resources;  ///< capacities (e.g. vram_gb) for gated pull
  long line = 0;                            ///< line of the node in its spec file (for messages)
};

/// A link between two nodes: one-way latency ~ max(0, Normal(latency_s, latency_sd_s)), a
/// bandwidth (0 = unlimited) and a loss probability for state messages.
struct LinkSpec {
  double latency_s = 0;
  double latency_sd_s = 0;
  double bandwidth_mbps = 0;
  double loss = 0;
};

struct BalancingCluster {
  std::string path;  ///< spec file, or "" for a cluster built from parameters
  std::vector<NodeSpec> nodes;
  LinkSpec link;                                  ///< every pair not listed in `links`
  std::map<std::pair<int, int>, LinkSpec> links;  ///< (from, to) overrides

  int total_slots() const;
  /// Index of the node called `name`, or -1.
  int find(const std::string& name) const;
  const LinkSpec& link_between(int from, int to) const;
};

/// Reads a worker spec: JSON
///   {"nodes": [{"name": "xgpg0", "slots": 8, "speed": 1, "throttle": 1, "weight": 1,
///               "resources": {"vram_gb": 40}, "count": 1}, ...],
///    "link": {"latency_s": 0.054, "latency_sd_s": 0.032, "bandwidth_mbps": 10, "loss": 0.002},
///    "links": [{"from": "a", "to": "b", "latency_s": ...}]}
/// ("count" > 1 expands to name0, name1, ...), or CSV with the header
/// `name,slots[,speed][,throttle][,weight]`. Throws InputError(file:line) on bad input.
BalancingCluster read_balancing_cluster(const std::string& path);

/// Most slots a cluster may have (total_slots() is an int, and the engine keeps state per slot).
inline constexpr std::int64_t kMaxTotalSlots = std::int64_t{1} << 24;
/// Throws InputError when the cluster has more than kMaxTotalSlots slots (`where`: its file, or
/// "" for a cluster made from parameters).
void check_total_slots(const BalancingCluster& cluster, const std::string& where);

/// `nodes` identical nodes n0, n1, ... (a cluster described by parameters).
BalancingCluster uniform_cluster(int nodes, int slots, double speed, double throttle);

}  // namespace clustersim::balancing
