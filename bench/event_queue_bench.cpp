// The classic hold model (Vaucher & Duval 1975; Jones 1986): a future-event set kept at a fixed
// size n; each operation removes the earliest event and schedules a new one at now + a random
// increment (exponential, mean 1 s). Reported items_per_second = events processed per second.
//
//   BM_SimulatorHold/<queue>/<n>   the full Simulator loop: pop, record bookkeeping, callback,
//                                  schedule_at (what an engine pays per event)
//   BM_QueueHold/<queue>/<n>       the EventQueue alone (insert + pop)
//   BM_PriorityQueueHold/<n>       baseline: a plain std::priority_queue of (time, seq) pairs in
//                                  the same loop, no callbacks; the ratio to BM_SimulatorHold is
//                                  what the event core costs over a textbook binary heap
#include <benchmark/benchmark.h>

#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "clustersim/core/event_queue.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/core/simulator.hpp"

namespace {

using namespace clustersim;

// Pre-drawn increments, so the benchmark measures the queue rather than std::log.
std::vector<SimTime> increments() {
  RngStream rng(1, 0, "bench.hold");
  std::vector<SimTime> v(1 << 16);
  for (auto& x : v)
    x = 1 + static_cast<SimTime>(rng.exponential(1e6));
  return v;
}

std::string_view queue_name(std::int64_t i) {
  return event_queue_names().at(static_cast<std::size_t>(i));
}

struct Hold {
  Simulator* sim;
  const std::vector<SimTime>* inc;
  std::size_t next = 0;
  void fire() {
    const SimTime d = (*inc)[next++ & (inc->size() - 1)];
    sim->schedule_in(d, [this] { fire(); });
    sim->stop();  // one event per benchmark iteration
  }
};

void BM_SimulatorHold(benchmark::State& state) {
  const auto inc = increments();
  Simulator sim(make_event_queue(queue_name(state.range(0))));
  Hold hold{&sim, &inc};
  const auto n = static_cast<std::size_t>(state.range(1));
  for (std::size_t i = 0; i < n; ++i)
    sim.schedule_at(inc[i & (inc.size() - 1)], [&hold] { hold.fire(); });
  for (std::size_t i = 0; i < n; ++i)
    sim.run();  // warm up: every initial event replaced once
  for (auto _ : state)
    sim.run();
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(queue_name(state.range(0))));
}

void BM_QueueHold(benchmark::State& state) {
  const auto inc = increments();
  auto q = make_event_queue(queue_name(state.range(0)));
  const auto n = static_cast<std::size_t>(state.range(1));
  std::uint64_t seq = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < n; ++i)
    q->insert(EventKey{inc[i & (inc.size() - 1)], seq++, 0});
  for (auto _ : state) {
    EventKey k = q->pop();
    q->insert(EventKey{k.time + inc[next++ & (inc.size() - 1)], seq++, 0});
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(queue_name(state.range(0))));
}

void BM_PriorityQueueHold(benchmark::State& state) {
  using Entry = std::pair<SimTime, std::uint64_t>;  // (time, seq)
  const auto inc = increments();
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> q;
  const auto n = static_cast<std::size_t>(state.range(0));
  std::uint64_t seq = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < n; ++i)
    q.push({inc[i & (inc.size() - 1)], seq++});
  for (std::size_t i = 0; i < n; ++i) {  // warm up as BM_SimulatorHold does
    const SimTime t = q.top().first;
    q.pop();
    q.push({t + inc[next++ & (inc.size() - 1)], seq++});
  }
  for (auto _ : state) {
    const SimTime t = q.top().first;
    q.pop();
    q.push({t + inc[next++ & (inc.size() - 1)], seq++});
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("std::priority_queue");
}

std::vector<std::int64_t> queue_indices() {
  std::vector<std::int64_t> v(event_queue_names().size());
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<std::int64_t>(i);
  return v;
}

}  // namespace

BENCHMARK(BM_SimulatorHold)
    ->ArgsProduct({queue_indices(), {1000, 100000, 1000000}})
    ->ArgNames({"queue", "pending"});
BENCHMARK(BM_QueueHold)
    ->ArgsProduct({queue_indices(), {1000, 100000, 1000000}})
    ->ArgNames({"queue", "pending"});
BENCHMARK(BM_PriorityQueueHold)->Arg(1000)->Arg(100000)->Arg(1000000)->ArgName("pending");

BENCHMARK_MAIN();
