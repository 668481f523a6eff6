// The master front end, the information policy (state messages), task transfers, the MP4
// bootstrap and periodic sampling.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include "clustersim/core/error.hpp"
#include "engine_impl.hpp"

namespace clustersim::balancing::detail {

// ---- master front end: one FIFO server -------------------------------------------------------

void Engine::front(FrontRequest r) {
  front_queue_.push_back(r);
  if (!front_busy_) serve_front();
}

void Engine::serve_front() {
  if (front_queue_.empty()) {
    front_busy_ = false;
    return;
  }
  front_busy_ = true;
  const FrontRequest r = front_queue_.front();
  const SimTime cost = r.kind == FrontKind::kSubmit  ? cfg_.submit_cost
                       : r.kind == FrontKind::kStart ? cfg_.start_cost
                       : r.kind == FrontKind::kFetch ? cfg_.fetch_costs[r.step]
                                                     : cfg_.finish_cost;
  sim_.schedule_in(cost, [this, r] {
    front_queue_.pop_front();
    switch (r.kind) {
      case FrontKind::kSubmit:
        release(r.task);
        break;
      case FrontKind::kStart:
      case FrontKind::kFetch: {
        const std::size_t next = r.kind == FrontKind::kStart ? 0 : r.step + 1;
        if (next < cfg_.fetch_costs.size())
          front({FrontKind::kFetch, r.task, r.node, next});
        else
          begin_service(r.node, r.task);
        break;
      }
      case FrontKind::kFinish:
        free_slot(r.node, r.task);
        break;
    }
    serve_front();
  });
}

// ---- timers -----------------------------------------------------------------------------------

namespace {
struct Timer {
  SimTime period;
  std::function<void()> body;
  std::uint64_t completed = ~0ULL, transfers = ~0ULL, tasks = ~0ULL;
};
}  // namespace

// A timer ticks from now every `period` until every task is done, or until a tick finds nothing
// but timers pending and no task arrived, finished or moved since the previous tick (the run is
// stuck; run() then reports the tasks left).
void Engine::start_timer(SimTime period, std::function<void()> body) {
  auto t = std::make_shared<Timer>(Timer{period, std::move(body)});
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, t, self = tick.get()] {
    --timers_pending_;
    const bool frozen = sim_.pending() == static_cast<std::size_t>(timers_pending_) &&
                        t->completed == result_.completed && t->transfers == result_.transfers &&
                        t->tasks == result_.tasks;
    t->completed = result_.completed;
    t->transfers = result_.transfers;
    t->tasks = result_.tasks;
    t->body();
    if (all_done() || frozen) return;
    ++timers_pending_;
    sim_.schedule_in(t->period, *self);
  };
  timer_keepalive_.push_back(tick);
  ++timers_pending_;
  sim_.schedule_in(0, *tick);
}

// Once the first tasks are in (open workloads: every task of the first arrival time; closed:
// time 0): sampling, the dispatch policy's monitor and the state messages start (in that order, so
// a sample at a state message's time shows the queue the message reports, as MP4's pending
// lists do) and the bootstrap transfers go out. Migration decisions wait until every bootstrap
// task has arrived (MP4's phases: bootstrap, then processing with the balancer active).
void Engine::settle() {
  settled_ = true;
  if (cfg_.sample_period > 0) start_timer(cfg_.sample_period, [this] { sample(); });
  // A monitor tick may open nodes to the central queue: let every node pull.
  if (dispatch_.tick_period() > 0)
    start_timer(dispatch_.tick_period(), [this] {
      dispatch_.on_tick(*this);
      for (int n = 0; n < nodes() && !central_.empty(); ++n)
        after_room(n);
    });
  const int n = nodes();
  if ((cfg_.state_period > 0 || cfg_.state_event_delta > 0) && n > 1) {
    view_.assign(static_cast<std::size_t>(n) * n, 0);
    view_task_s_.assign(static_cast<std::size_t>(n) * n, 0.0);
  }
  information_ = !view_.empty();
  if (information_ && cfg_.state_period > 0)
    start_timer(cfg_.state_period, [this] {
      for (int i = 0; i < nodes(); ++i)
        send_state(i);
    });
  bootstrap();
}

// ---- state messages ---------------------------------------------------------------------------

SimTime Engine::link_delay(int from, int to, std::int64_t bytes, bool with_latency) {
  const LinkSpec& l = cluster_.link_between(from, to);
  double s = 0;
  if (l.bandwidth_mbps > 0) s += static_cast<double>(bytes) * 8 / (l.bandwidth_mbps * 1e6);
  if (with_latency) {
    s += l.latency_sd_s > 0 ? std::max(0.0, link_rng_.normal(l.latency_s, l.latency_sd_s))
                            : l.latency_s;
  }
  return from_seconds(s);
}

double Engine::task_seconds(int n) const {
  const NodeRt& node = nodes_[n];
  const double work = node.queue.empty()
                          ? node.last_work
                          : node.queued_work / static_cast<double>(node.queue.size());
  const int busy = std::max(1, cfg_.cluster_scope ? total_running_ : node.running);
  const double rate =
      node.spec.speed * node.spec.throttle / cfg_.factor[static_cast<std::size_t>(busy)];
  return work / rate / node.spec.slots;
}

void Engine::send_state(int from) {
  const int q = queued(from);
  const double task_s = task_seconds(from);
  nodes_[from].sent_queued = q;
  for (int to = 0; to < nodes(); ++to) {
    if (to == from) continue;
    ++result_.state_messages;
    const LinkSpec& l = cluster_.link_between(from, to);
    if (l.loss > 0 && link_rng_.uniform() < l.loss) {
      ++result_.state_lost;
      continue;
    }
    sim_.schedule_in(link_delay(from, to, cfg_.state_bytes, true),
                     [this, to, from, q, task_s] { receive_state(to, from, q, task_s); });
  }
}

void Engine::maybe_event_state(int n) {
  if (cfg_.state_event_delta <= 0 || !information_) return;
  if (std::abs(queued(n) - nodes_[n].sent_queued) >= cfg_.state_event_delta) send_state(n);
}

void Engine::receive_state(int self, int peer, int q, double task_s) {
  const std::size_t at = static_cast<std::size_t>(self) * nodes() + peer;
  view_[at] = q;
  view_task_s_[at] = task_s;
  if (!migration_ || bootstrap_left_ > 0) return;
  MigrationContext ctx;
  ctx.self = self;
  ctx.peer = peer;
  ctx.self_queued = queued(self);
  ctx.peer_queued = q;
  ctx.self_task_s = task_seconds(self);
  ctx.peer_task_s = task_s;
  const LinkSpec& l = cluster_.link_between(self, peer);
  ctx.transfer_s = to_seconds(cfg_.transfer_cost) + l.latency_s +
                   (l.bandwidth_mbps > 0 ? cfg_.task_bytes * 8 / (l.bandwidth_mbps * 1e6) : 0);
  ++result_.decisions;
  const int count = migration_->decide(ctx);
  if (count > 0) send_tasks(self, peer, std::min(count, ctx.self_queued));
}

// ---- transfers ----------------------------------------------------------------------------------

// A node sends one task at a time (MP4's transfer thread): each send takes the next task from
// the queue's head (or tail), occupies the sender for transfer_cost plus the wire time and
// arrives after the link latency. A send that finds the queue empty is dropped.
void Engine::send_tasks(int from, int to, int count) {
  NodeRt& node = nodes_[from];
  for (int i = 0; i < count; ++i)
    node.outgoing.push_back(to);
  if (!node.channel_busy) pump_channel(from);
}

void Engine::pump_channel(int from) {
  NodeRt& node = nodes_[from];
  while (!node.outgoing.empty() && node.queue.empty()) {
    node.outgoing.pop_front();
    bootstrap_delivered();  // a dropped send counts as done
  }
  if (node.outgoing.empty()) {
    node.channel_busy = false;
    return;
  }
  const int to = node.outgoing.front();
  node.outgoing.pop_front();
  std::uint32_t k;
  if (cfg_.select_tail) {
    k = node.queue.back();
    node.queue.pop_back();
  } else {
    k = node.queue.front();
    node.queue.pop_front();
  }
  node.queued_work = node.queue.empty() ? 0 : node.queued_work - pool_[k].t.work_s;
  ++pool_[k].transfers;
  ++result_.transfers;
  ++node.totals.sent;
  result_.transfer_bytes += static_cast<std::uint64_t>(cfg_.task_bytes);
  node.channel_busy = true;
  const SimTime busy = cfg_.transfer_cost + link_delay(from, to, cfg_.task_bytes, false);
  const SimTime latency = link_delay(from, to, 0, true);
  sim_.schedule_in(busy, [this, from, to, k, latency] {
    sim_.schedule_in(latency, [this, to, k] {
      ++nodes_[to].totals.received;
      enqueue(to, k);
      bootstrap_delivered();
    });
    pump_channel(from);
  });
  after_room(from);
  maybe_event_state(from);
}

// MP4's bootstrap: every node sends bootstrap_fraction of its queue to the other nodes in turn.
void Engine::bootstrap() {
  if (cfg_.bootstrap_fraction <= 0 || nodes() < 2) return;
  for (int from = 0; from < nodes(); ++from) {
    // A share of the node's tasks (MP4: NUM_JOB / 2), sent from its queue.
    const int count = std::min(
        queued(from),
        static_cast<int>(std::floor((queued(from) + held(from)) * cfg_.bootstrap_fraction)));
    bootstrap_left_ += count;
    for (int i = 0, to = from; i < count; ++i) {
      to = (to + 1) % nodes();
      if (to == from) to = (to + 1) % nodes();
      send_tasks(from, to, 1);
    }
  }
}

// The first bootstrap_left_ sends of the run are the bootstrap's (each node's channel is FIFO).
void Engine::bootstrap_delivered() {
  if (bootstrap_left_ > 0) --bootstrap_left_;
}

void Engine::sample() {
  std::vector<NodeSample> s(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    s[i] = {static_cast<int>(nodes_[i].queue.size()), nodes_[i].running, nodes_[i].held};
  observer_.on_sample(sim_.now(), s, central_.size());
}

}  // namespace clustersim::balancing::detail
