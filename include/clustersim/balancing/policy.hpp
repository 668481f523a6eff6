// Balancing policies (research/loadbalancing.md 4.3). A policy reads a view of the nodes and
// returns a decision; the engine validates and applies it and never lets a policy mutate state.
//
// Dispatch policies (`--policy NAME`) decide where a released task goes:
//   place()        a node index (the task joins that node's queue: early binding) or kHold (the
//                  task waits in the central queue: late binding);
//   pull()         a node gained room (a slot freed, a reserved task started) while tasks wait
//                  centrally: the node that takes the central queue's head, or kHold;
//   on_free_slot() a node freed a slot and has nothing queued (pull's waiting worker, JIQ's idle
//                  report);
//   on_tick()      every tick_period() (resource monitors).
// Migration policies (`--set migration=NAME`) move queued tasks between nodes on stale state:
// when node `self` receives node `peer`'s state message, decide() returns how many of self's
// queued tasks to send to peer now.
//
// Register from the policy's own .cpp:
//   const bool registered = register_dispatch("jsq", "...", factory, {param specs});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clustersim/balancing/model.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/rng.hpp"

namespace clustersim::balancing {

/// Read-only state of the nodes at a decision (exact, current).
class NodeView {
 public:
  virtual ~NodeView() = default;
  virtual int nodes() const = 0;
  virtual const NodeSpec& spec(int node) const = 0;
  /// Slots in use (in service, or in a start/finish phase).
  virtual int held(int node) const = 0;
  /// Tasks in service (what the contention model counts).
  virtual int running(int node) const = 0;
  /// Tasks waiting in the node's own queue (bound to it, not started).
  virtual int queued(int node) const = 0;
  /// Remaining work of the node's queued and running tasks, in work-seconds (Task::work_s).
  virtual double work_left(int node) const = 0;
  /// held < slots and the node accepts work.
  virtual bool has_room(int node) const = 0;
  /// Tasks waiting in the central queue.
  virtual std::size_t central() const = 0;
  virtual SimTime now() const = 0;
};

class DispatchPolicy {
 public:
  static constexpr int kHold = -1;
  virtual ~DispatchPolicy() = default;
  /// Called once before the first task, with every node empty.
  virtual void init(const NodeView& view) { (void)view; }
  virtual int place(const Task& task, const NodeView& view, RngStream& rng) = 0;
  virtual int pull(int node, const NodeView& view) {
    (void)node, (void)view;
    return kHold;
  }
  virtual void on_free_slot(int node, const NodeView& view) { (void)node, (void)view; }
  virtual SimTime tick_period() const { return 0; }
  virtual void on_tick(const NodeView& view) { (void)view; }
};

struct DispatchEnv {
  const BalancingCluster& cluster;
  const Params& params;
};
using DispatchFactory = std::function<std::unique_ptr<DispatchPolicy>(const DispatchEnv&)>;
Registry<DispatchFactory>& dispatch_policies();
inline bool register_dispatch(std::string name, std::string description, DispatchFactory f,
                              ParamSpecs params = {}) {
  dispatch_policies().add(std::move(name), std::move(description), std::move(f), std::move(params));
  return true;
}

/// What node `self` knows when `peer`'s state message arrives.
struct MigrationContext {
  int self = 0;
  int peer = 0;
  int self_queued = 0;  ///< exact
  int peer_queued = 0;  ///< as reported in the message (stale by its age)
  /// Seconds one queued task takes on each node (mean demand / (speed x throttle) / f at the
  /// node's current busy count, divided by its slots), for completion-time estimates.
  double self_task_s = 0;
  double peer_task_s = 0;
  /// Seconds to move one task from self to peer (per-task cost + wire time + mean latency).
  double transfer_s = 0;
};

class MigrationPolicy {
 public:
  virtual ~MigrationPolicy() = default;
  /// Tasks to send from self to peer now (the engine sends at most self_queued).
  virtual int decide(const MigrationContext& ctx) = 0;
};

using MigrationFactory = std::function<std::unique_ptr<MigrationPolicy>(const Params&)>;
Registry<MigrationFactory>& migration_policies();
inline bool register_migration(std::string name, std::string description, MigrationFactory f,
                               ParamSpecs params = {}) {
  migration_policies().add(std::move(name), std::move(description), std::move(f),
                           std::move(params));
  return true;
}

}  // namespace clustersim::balancing
