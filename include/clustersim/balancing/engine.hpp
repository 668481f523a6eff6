// The balancing engine: tasks flow from a workload through an optional master front end (one
// FIFO server, aiVLE's Django master) to a dispatch policy, wait in a node's queue or the central
// queue, run in a node's slots under processor sharing with the node's contention and throttle,
// and may be moved between nodes by a migration policy acting on periodic or event-driven state
// messages that are stale by the period and the link delay.
//
// A task's life on a node: a slot is taken → worker overhead (worker.overhead_s) → the master
// processes a start request (frontend.start_s), then fetch requests one after the other, each
// queued behind whatever arrived meanwhile (frontend.fetch_s: aiVLE's two downloads) → service →
// the master processes a finish request (frontend.finish_s) → the slot is free. Contention counts
// tasks in service only.
//
// Memory is independent of the number of tasks: open workloads are pulled one arrival at a time
// and every completed task goes to the TaskObserver at once.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "clustersim/balancing/components.hpp"
#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/pipeline.hpp"

namespace clustersim::balancing {

struct EngineConfig {
  std::uint64_t seed = 1, run = 0;
  // master front end (0 = none)
  SimTime submit_cost = 0, start_cost = 0, finish_cost = 0;
  std::vector<SimTime> fetch_costs;  ///< requests after the start, each queued when the last ends
  SimTime worker_overhead = 0;       ///< per task, before its start request
  // contention: f(b) for b = 0..max busy; cluster scope counts busy slots of all nodes
  std::vector<double> factor = {1.0, 1.0};
  bool cluster_scope = false;
  // throttle: rate (a node of throttle p works at rate p) or on/off (p of each period)
  bool throttle_onoff = false;
  SimTime throttle_period = 100 * kMillisecond;
  // information policy and migration (state_period 0 and no event mode = no state messages)
  SimTime state_period = 0;
  int state_event_delta = 0;  ///< > 0: also send when the queue moved this much since the last
  std::int64_t state_bytes = 64;
  SimTime transfer_cost = 0;  ///< per task, at the sender, one task at a time per node
  std::int64_t task_bytes = 0;
  bool select_tail = false;       ///< migrate the newest queued tasks (else the oldest)
  bool return_results = false;    ///< a task that ran away from its origin finishes when its
                                  ///< result reaches the origin (latency + transfer cost)
  double bootstrap_fraction = 0;  ///< at time 0+, nodes send this share of their queue away
  int bootstrap_min_tasks = 0;    ///< a node starts working once it has held this many tasks
  // sampling
  SimTime sample_period = 0;  ///< TaskObserver::on_sample period (0 = none)
  RunLimits limits;
};

/// One finished task, as reported to the observer.
struct TaskRecord {
  std::int64_t id = 0;
  SimTime arrival = 0, release = 0, start = 0, finish = 0;
  double work_s = 0;
  int node = -1, origin = -1, transfers = 0, client = -1;
};

struct NodeSample {
  int queued = 0, running = 0, held = 0;
};

class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  virtual void on_complete(const TaskRecord& task) = 0;
  /// Every EngineConfig::sample_period from time 0 while tasks remain.
  virtual void on_sample(SimTime now, const std::vector<NodeSample>& nodes, std::size_t central) {
    (void)now, (void)nodes, (void)central;
  }
};

struct NodeTotals {
  std::uint64_t tasks = 0;     ///< tasks completed on the node
  double slot_busy_s = 0;      ///< integral of held slots over time
  std::uint64_t sent = 0;      ///< queued tasks migrated away (bootstrap included)
  std::uint64_t received = 0;  ///< migrated tasks that arrived
  std::uint64_t results = 0;   ///< results returned to their origin (return_results)
};

struct BalancingResult {
  std::uint64_t events = 0, decisions = 0;
  double policy_s = 0;
  std::uint64_t tasks = 0, completed = 0;
  std::uint64_t transfers = 0;  ///< task migrations (bootstrap included)
  std::uint64_t result_returns = 0;
  std::uint64_t transfer_bytes = 0;  ///< migrations and result returns
  std::uint64_t state_messages = 0, state_lost = 0;
  SimTime end = 0;  ///< the last task's finish
  std::vector<NodeTotals> nodes;
};

using EngineProgress =
    std::function<void(std::uint64_t done, std::uint64_t total, SimTime now, std::uint64_t events)>;

/// Runs one simulation. `migration` may be null (no migration). Throws InputError when a limit is
/// reached or the workload is inconsistent with the cluster.
BalancingResult run_balancing(const BalancingCluster& cluster, Workload& workload,
                              DispatchPolicy& dispatch, MigrationPolicy* migration,
                              const EngineConfig& config, TaskObserver& observer,
                              const EngineProgress& progress = {});

}  // namespace clustersim::balancing
