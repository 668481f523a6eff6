#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "engine_impl.hpp"

namespace clustersim::balancing {
namespace detail {
namespace {

// Min-heap order on (finish value, start order): equal finishes leave in start order.
bool heap_after(const HeapItem& a, const HeapItem& b) {
  return a.v != b.v ? a.v > b.v : a.seq > b.seq;
}

// On-time of a node that works the first `on` µs of every `period` µs, in [0, t).
SimTime on_time_before(SimTime t, SimTime period, SimTime on) {
  return t / period * on + std::min(t % period, on);
}
// Earliest t with on_time_before(t) >= y.
SimTime time_for_on(SimTime y, SimTime period, SimTime on) {
  if (y <= 0) return 0;
  const SimTime k = (y - 1) / on;
  return k * period + (y - k * on);
}

// Decisions timed 1 in kTimedEvery (a clock read costs about as much as a cheap decision).
constexpr std::uint64_t kTimedEvery = 64;

}  // namespace

Engine::Engine(const BalancingCluster& cluster, Workload& workload, DispatchPolicy& dispatch,
               MigrationPolicy* migration, const EngineConfig& config, TaskObserver& observer,
               const EngineProgress& progress)
    : cluster_(cluster),
      workload_(workload),
      dispatch_(dispatch),
      migration_(migration),
      cfg_(config),
      observer_(observer),
      progress_(progress),
      dispatch_rng_(config.seed, config.run, "dispatch"),
      link_rng_(config.seed, config.run, "links") {
  if (cluster.nodes.empty()) throw InputError("the cluster has no node");
  for (const auto& s : cluster.nodes) {
    NodeRt n;
    n.spec = s;
    n.working = cfg_.bootstrap_min_tasks <= 0;
    nodes_.push_back(std::move(n));
  }
  const std::size_t max_busy =
      cfg_.cluster_scope ? static_cast<std::size_t>(cluster.total_slots()) : [&] {
        int m = 0;
        for (const auto& s : cluster.nodes)
          m = std::max(m, s.slots);
        return static_cast<std::size_t>(m);
      }();
  if (cfg_.factor.size() <= max_busy)
    throw InvariantError("contention table shorter than the busiest count");
  result_.nodes.resize(nodes_.size());
}

double Engine::work_left(int n) const {
  const NodeRt& node = nodes_[n];
  double running_left = 0;
  if (node.running > 0) {
    // v is advanced lazily: add what the running tasks did since v_last at the current rate.
    double v = node.v;
    if (!cfg_.throttle_onoff || node.spec.throttle >= 1)
      v += node.rate * to_seconds(sim_.now() - node.v_last);
    running_left = std::max(0.0, node.sum_finish_v - node.running * v);
  }
  return node.queued_work + running_left;
}

std::uint32_t Engine::make_live(const Task& t) {
  if (!(t.work_s > 0) || !std::isfinite(t.work_s))
    throw InputError(fmt::format("task {}: service demand {} is not positive", t.id, t.work_s));
  if (t.origin >= static_cast<int>(nodes_.size()))
    throw InvariantError("task origin outside the cluster");
  std::uint32_t k;
  if (!free_.empty()) {
    k = free_.back();
    free_.pop_back();
  } else {
    k = static_cast<std::uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  Live& live = pool_[k];
  live = Live{};
  live.t = t;
  live.seq = next_seq_++;
  ++in_system_;
  ++result_.tasks;
  return k;
}

void Engine::schedule_next_arrival() {
  if (!workload_.next(pending_)) {
    has_pending_ = false;
    open_done_ = true;
    return;
  }
  if (pending_.arrival < sim_.now())
    throw InputError(fmt::format("task {}: arrivals must not go back in time", pending_.id));
  has_pending_ = true;
  sim_.schedule_at(pending_.arrival, [this] {
    const std::uint32_t k = make_live(pending_);
    schedule_next_arrival();
    arrive(k);
    if (!settled_ && (!has_pending_ || pending_.arrival > sim_.now())) settle();
  });
}

void Engine::schedule_client(int client, SimTime now) {
  Task t;
  if (!workload_.next_of(client, now, t)) {
    --clients_active_;
    return;
  }
  sim_.schedule_at(t.arrival, [this, t] { arrive(make_live(t)); });
}

void Engine::arrive(std::uint32_t k) {
  if (cfg_.submit_cost > 0)
    front({FrontKind::kSubmit, k, -1});
  else
    release(k);
}

void Engine::release(std::uint32_t k) {
  Live& live = pool_[k];
  live.release = sim_.now();
  ++result_.decisions;
  int n;
  if (++policy_calls_ % kTimedEvery == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    n = dispatch_.place(live.t, *this, dispatch_rng_);
    policy_s_ +=
        kTimedEvery * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    n = dispatch_.place(live.t, *this, dispatch_rng_);
  }
  if (n == DispatchPolicy::kHold) {
    central_.push_back(k);
    return;
  }
  if (n < 0 || n >= nodes())
    throw InvariantError("dispatch policy chose a node outside the cluster");
  enqueue(n, k);
}

void Engine::enqueue(int n, std::uint32_t k) {
  NodeRt& node = nodes_[n];
  Live& live = pool_[k];
  live.node = n;
  node.last_work = live.t.work_s;
  if (node.queue.empty() && has_room(n)) {
    take_slot(n, k);
  } else {
    node.queue.push_back(k);
    node.queued_work += live.t.work_s;
  }
  if (!node.working && static_cast<int>(node.queue.size()) >= cfg_.bootstrap_min_tasks) {
    node.working = true;
    fill(n);
  }
  maybe_event_state(n);
}

void Engine::fill(int n) {
  NodeRt& node = nodes_[n];
  while (!node.queue.empty() && has_room(n)) {
    const std::uint32_t k = node.queue.front();
    node.queue.pop_front();
    node.queued_work -= pool_[k].t.work_s;
    take_slot(n, k);
  }
  if (node.queue.empty()) node.queued_work = 0;  // no drift from repeated subtraction
  after_room(n);
  maybe_event_state(n);
}

void Engine::after_room(int n) {
  for (std::size_t guard = central_.size(); guard > 0 && !central_.empty(); --guard) {
    const int m = dispatch_.pull(n, *this);
    if (m == DispatchPolicy::kHold) break;
    if (m < 0 || m >= nodes()) throw InvariantError("dispatch policy pulled to a node outside");
    const std::uint32_t k = central_.front();
    central_.pop_front();
    enqueue(m, k);
  }
  if (has_room(n) && nodes_[n].queue.empty()) dispatch_.on_free_slot(n, *this);
}

void Engine::account_held(NodeRt& node) {
  node.totals.slot_busy_s += node.held * to_seconds(sim_.now() - node.held_since);
  node.held_since = sim_.now();
}

void Engine::take_slot(int n, std::uint32_t k) {
  NodeRt& node = nodes_[n];
  account_held(node);
  ++node.held;
  pool_[k].node = n;
  if (cfg_.worker_overhead > 0)
    sim_.schedule_in(cfg_.worker_overhead, [this, n, k] { start_phase(n, k); });
  else
    start_phase(n, k);
}

void Engine::start_phase(int n, std::uint32_t k) {
  if (cfg_.start_cost > 0)
    front({FrontKind::kStart, k, n});
  else if (!cfg_.fetch_costs.empty())
    front({FrontKind::kFetch, k, n, 0});
  else
    begin_service(n, k);
}

void Engine::advance(NodeRt& node) {
  const SimTime now = sim_.now();
  if (node.running > 0 && now > node.v_last) {
    SimTime on = now - node.v_last;
    if (cfg_.throttle_onoff && node.spec.throttle < 1) {
      const SimTime p = cfg_.throttle_period;
      const SimTime w = std::max<SimTime>(1, std::llround(node.spec.throttle * p));
      on = on_time_before(now, p, w) - on_time_before(node.v_last, p, w);
    }
    node.v += node.rate * to_seconds(on);
  }
  node.v_last = now;
}

void Engine::sync(int n) {
  if (!cfg_.cluster_scope) {
    advance(nodes_[n]);
    return;
  }
  for (auto& node : nodes_)
    advance(node);
}

double Engine::rate_of(const NodeRt& node) const {
  const int busy = cfg_.cluster_scope ? total_running_ : node.running;
  const double throttle = cfg_.throttle_onoff ? 1.0 : node.spec.throttle;
  return node.spec.speed * throttle / cfg_.factor[static_cast<std::size_t>(std::max(busy, 1))];
}

void Engine::rerate(int n) {
  if (!cfg_.cluster_scope) {
    nodes_[n].rate = rate_of(nodes_[n]);
    reschedule(n, false);
    return;
  }
  for (int i = 0; i < nodes(); ++i) {
    nodes_[i].rate = rate_of(nodes_[i]);
    if (nodes_[i].running > 0 || i == n) reschedule(i, false);
  }
}

// Moves node n's completion event to its earliest finishing task at the current rate (unless
// the pending event already is for that task at that rate).
void Engine::reschedule(int n, bool force) {
  NodeRt& node = nodes_[n];
  if (node.heap.empty()) {
    sim_.cancel(node.completion);
    return;
  }
  const HeapItem& top = node.heap.front();
  if (!force && sim_.is_pending(node.completion) && node.scheduled_seq == top.seq &&
      node.scheduled_rate == node.rate)
    return;
  sim_.cancel(node.completion);
  const double dv = std::max(0.0, top.v - node.v);
  // The integer arithmetic below must not overflow: stop first if the wait (over-estimated for
  // an on/off throttle) would pass the clock's end.
  double bound_s = dv / node.rate;
  if (cfg_.throttle_onoff && node.spec.throttle < 1)
    bound_s = bound_s / node.spec.throttle + to_seconds(cfg_.throttle_period);
  if (!(bound_s < kMaxInputSeconds - to_seconds(sim_.now())))
    throw InputError(fmt::format(
        "node '{}': a task would finish {:.6g} s after t = {:.6g} s, beyond the clock (about "
        "292,000 years)",
        node.spec.name, bound_s, to_seconds(sim_.now())));
  SimTime wait = ceil_seconds(dv / node.rate);
  if (cfg_.throttle_onoff && node.spec.throttle < 1) {
    const SimTime p = cfg_.throttle_period;
    const SimTime w = std::max<SimTime>(1, std::llround(node.spec.throttle * p));
    const SimTime now = sim_.now();
    wait = time_for_on(on_time_before(now, p, w) + wait, p, w) - now;
  }
  node.scheduled_seq = top.seq;
  node.scheduled_rate = node.rate;
  node.completion = sim_.schedule_in(wait, [this, n] { on_completion(n); });
}

void Engine::begin_service(int n, std::uint32_t k) {
  NodeRt& node = nodes_[n];
  sync(n);
  Live& live = pool_[k];
  live.start = sim_.now();
  live.finish_v = node.v + live.t.work_s;
  node.heap.push_back({live.finish_v, live.seq, k});
  std::push_heap(node.heap.begin(), node.heap.end(), heap_after);
  node.sum_finish_v += live.finish_v;
  ++node.running;
  ++total_running_;
  rerate(n);
}

void Engine::on_completion(int n) {
  NodeRt& node = nodes_[n];
  sync(n);
  // The event is for the heap's top; tasks due within a nanosecond of work leave with it.
  std::vector<std::uint32_t>& done = done_scratch_;
  done.clear();
  do {
    std::pop_heap(node.heap.begin(), node.heap.end(), heap_after);
    done.push_back(node.heap.back().task);
    node.sum_finish_v -= node.heap.back().v;
    node.heap.pop_back();
  } while (!node.heap.empty() && node.heap.front().v <= node.v + 1e-9);
  node.running -= static_cast<int>(done.size());
  total_running_ -= static_cast<int>(done.size());
  if (node.heap.empty()) {
    node.sum_finish_v = 0;
    node.v = 0;  // a fresh origin keeps finish values small over long runs
  }
  rerate(n);
  for (std::size_t i = 0; i < done.size(); ++i)
    end_service(n, done[i]);
  check_limits();
}

void Engine::end_service(int n, std::uint32_t k) {
  if (cfg_.finish_cost > 0)
    front({FrontKind::kFinish, k, n});
  else
    free_slot(n, k);
}

void Engine::free_slot(int n, std::uint32_t k) {
  NodeRt& node = nodes_[n];
  account_held(node);
  --node.held;
  ++node.totals.tasks;
  Live& live = pool_[k];
  TaskRecord r;
  r.id = live.t.id;
  r.arrival = live.t.arrival;
  r.release = live.release;
  r.start = live.start;
  r.finish = sim_.now();
  r.work_s = live.t.work_s;
  r.node = n;
  r.origin = live.t.origin;
  r.transfers = live.transfers;
  r.client = live.t.client;
  if (cfg_.return_results && r.origin >= 0 && r.origin != n) {
    ++result_.result_returns;
    ++node.totals.results;
    result_.transfer_bytes += static_cast<std::uint64_t>(cfg_.task_bytes);
    r.finish += cfg_.transfer_cost + link_delay(n, r.origin, cfg_.task_bytes, true);
  }
  ++result_.completed;
  result_.end = std::max(result_.end, r.finish);
  --in_system_;
  free_.push_back(k);
  observer_.on_complete(r);
  if (r.client >= 0) schedule_client(r.client, r.finish);
  fill(n);
}

bool Engine::all_done() const {
  return in_system_ == 0 && open_done_ && clients_active_ <= 0;
}

void Engine::check_limits() {
  const std::uint64_t ev = sim_.events_processed();
  if (cfg_.limits.max_events > 0 && ev >= cfg_.limits.max_events) sim_.stop();
  if (progress_ && (ev & 0xFFFF) == 0)
    progress_(result_.completed, workload_.expected(), sim_.now(), ev);
}

BalancingResult Engine::run() {
  dispatch_.init(*this);
  for (int n = 0; n < nodes(); ++n) {
    nodes_[n].rate = rate_of(nodes_[n]);
    if (has_room(n)) dispatch_.on_free_slot(n, *this);
  }
  const int clients = workload_.clients();
  clients_active_ = clients;  // schedule_client counts down the clients that stop
  if (clients > 0) {
    open_done_ = true;
    for (int c = 0; c < clients; ++c)
      schedule_client(c, 0);
    sim_.schedule_at(0, [this] { settle(); });
  } else {
    schedule_next_arrival();
  }
  sim_.set_stall_limit(cfg_.limits.stall_events);
  sim_.run(cfg_.limits.max_sim_time);
  if (!all_done()) {
    if (cfg_.limits.max_events > 0 && sim_.events_processed() >= cfg_.limits.max_events)
      throw InputError(fmt::format("run stopped at --max-events {}", cfg_.limits.max_events));
    if (sim_.pending() > 0)
      throw InputError(
          fmt::format("run stopped at --max-sim-time {} s", to_seconds(cfg_.limits.max_sim_time)));
    throw InputError(fmt::format(
        "{} tasks never finished: they wait where no node takes them (the central queue of a "
        "policy that stopped pulling, or a node that never starts working)",
        in_system_));
  }
  for (int n = 0; n < nodes(); ++n) {
    account_held(nodes_[n]);
    result_.nodes[n] = nodes_[n].totals;
  }
  result_.events = sim_.events_processed();
  result_.policy_s = policy_s_;
  return result_;
}

}  // namespace detail

BalancingResult run_balancing(const BalancingCluster& cluster, Workload& workload,
                              DispatchPolicy& dispatch, MigrationPolicy* migration,
                              const EngineConfig& config, TaskObserver& observer,
                              const EngineProgress& progress) {
  detail::Engine engine(cluster, workload, dispatch, migration, config, observer, progress);
  return engine.run();
}

}  // namespace clustersim::balancing
