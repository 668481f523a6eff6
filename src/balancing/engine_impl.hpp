// Private to the balancing engine (engine.cpp: task flow and processor sharing;
// engine_state.cpp: master front end, state messages, transfers, bootstrap).
//
// Processor sharing per node: every running task on a node progresses at the same rate, so the
// node keeps a virtual work clock v (work-seconds served per running task since the start) and
// each running task its finish value v_start + work_s; a min-heap gives the next completion, and
// a rate change only moves the node's single completion event. Events per task: one arrival,
// one completion (+ one reschedule per contention change).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "clustersim/balancing/engine.hpp"
#include "clustersim/core/simulator.hpp"

namespace clustersim::balancing::detail {

struct Live {
  Task t;
  SimTime release = -1, start = -1;
  double finish_v = 0;
  std::uint64_t seq = 0;
  int node = -1;
  int transfers = 0;
};

struct HeapItem {
  double v;
  std::uint64_t seq;
  std::uint32_t task;
};

struct NodeRt {
  NodeSpec spec;
  std::deque<std::uint32_t> queue;
  double queued_work = 0;
  int held = 0, running = 0;
  double v = 0;        ///< virtual work clock (work-seconds)
  SimTime v_last = 0;  ///< when v was last advanced
  double rate = 0;     ///< dv/dt per running task, work-seconds per (on-)second
  std::vector<HeapItem> heap;
  double sum_finish_v = 0;
  EventId completion;
  std::uint64_t scheduled_seq = 0;  ///< task the pending completion is for
  double scheduled_rate = 0;
  bool working = true;
  SimTime held_since = 0;
  NodeTotals totals;
  double last_work = 0;  ///< work_s of the last task that joined the node (ECT estimates)
  // information policy
  int sent_queued = 0;       ///< queue length in the last state message
  std::deque<int> outgoing;  ///< destination of each task still to send
  bool channel_busy = false;
};

enum class FrontKind { kSubmit, kStart, kFetch, kFinish };
struct FrontRequest {
  FrontKind kind;
  std::uint32_t task;
  int node;
  std::size_t step = 0;  ///< kFetch: index into EngineConfig::fetch_costs
};

class Engine final : public NodeView {
 public:
  Engine(const BalancingCluster& cluster, Workload& workload, DispatchPolicy& dispatch,
         MigrationPolicy* migration, const EngineConfig& config, TaskObserver& observer,
         const EngineProgress& progress);
  BalancingResult run();

  // NodeView
  int nodes() const override { return static_cast<int>(nodes_.size()); }
  const NodeSpec& spec(int n) const override { return nodes_[n].spec; }
  int held(int n) const override { return nodes_[n].held; }
  int running(int n) const override { return nodes_[n].running; }
  int queued(int n) const override { return static_cast<int>(nodes_[n].queue.size()); }
  double work_left(int n) const override;
  bool has_room(int n) const override {
    return nodes_[n].working && nodes_[n].held < nodes_[n].spec.slots;
  }
  std::size_t central() const override { return central_.size(); }
  SimTime now() const override { return sim_.now(); }

 private:
  // task flow (engine.cpp)
  std::uint32_t make_live(const Task& t);
  void schedule_next_arrival();
  void schedule_client(int client, SimTime now);
  void arrive(std::uint32_t k);
  void release(std::uint32_t k);
  void enqueue(int n, std::uint32_t k);
  void fill(int n);
  void after_room(int n);
  void take_slot(int n, std::uint32_t k);
  void start_phase(int n, std::uint32_t k);
  void begin_service(int n, std::uint32_t k);
  void on_completion(int n);
  void end_service(int n, std::uint32_t k);
  void free_slot(int n, std::uint32_t k);
  void account_held(NodeRt& node);
  bool all_done() const;
  void check_limits();
  // processor sharing (engine.cpp)
  void advance(NodeRt& node);
  void sync(int n);
  void rerate(int n);
  double rate_of(const NodeRt& node) const;
  void reschedule(int n, bool force);
  // front end, information policy, transfers, bootstrap, sampling (engine_state.cpp)
  void front(FrontRequest r);
  void serve_front();
  void start_timer(SimTime period, std::function<void()> body);
  void settle();
  void bootstrap_delivered();
  void send_state(int from);
  void receive_state(int self, int peer, int queued, double task_s);
  void maybe_event_state(int n);
  double task_seconds(int n) const;
  void send_tasks(int from, int to, int count);
  void pump_channel(int from);
  void bootstrap();
  SimTime link_delay(int from, int to, std::int64_t bytes, bool with_latency);
  void sample();

  const BalancingCluster& cluster_;
  Workload& workload_;
  DispatchPolicy& dispatch_;
  MigrationPolicy* migration_;
  const EngineConfig& cfg_;
  TaskObserver& observer_;
  EngineProgress progress_;
  Simulator sim_;
  RngStream dispatch_rng_, link_rng_;
  std::vector<NodeRt> nodes_;
  std::vector<Live> pool_;
  std::vector<std::uint32_t> free_;
  std::deque<std::uint32_t> central_;
  std::deque<FrontRequest> front_queue_;
  bool front_busy_ = false;
  // peer views: view_[self * n + peer] = peer's queue length as last reported to self
  std::vector<int> view_;
  std::vector<double> view_task_s_;
  int total_running_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t in_system_ = 0;
  bool open_done_ = false;
  int clients_active_ = 0;
  Task pending_{};
  bool has_pending_ = false;
  bool settled_ = false;
  bool information_ = false;  ///< state messages flow
  int bootstrap_left_ = 0;
  std::uint64_t policy_calls_ = 0;
  double policy_s_ = 0;
  std::vector<std::uint32_t> done_scratch_;
  // stall detection for the periodic timers: (completed, transfers) at the previous tick
  std::uint64_t tick_completed_ = ~0ULL, tick_transfers_ = ~0ULL;
  int timers_pending_ = 0;
  std::vector<std::shared_ptr<std::function<void()>>> timer_keepalive_;
  BalancingResult result_;
};

}  // namespace clustersim::balancing::detail
