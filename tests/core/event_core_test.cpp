#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/core/simulator.hpp"

using namespace clustersim;

// Every queue implementation must give the same order: the ns-3 pattern of running one
// scenario per scheduler implementation.
TEST_CASE("events run in (time, scheduling order) on every queue", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  Simulator sim(make_event_queue(name));
  std::vector<int> order;
  sim.schedule_at(seconds(2), [&] { order.push_back(3); });
  sim.schedule_at(seconds(1), [&] { order.push_back(1); });
  sim.schedule_at(seconds(1), [&] {
    order.push_back(2);
    // Same-time event scheduled from inside an event runs after those already pending.
    sim.schedule_at(seconds(1), [&] { order.push_back(25); });
  });
  sim.schedule_at(seconds(1), [&] { order.push_back(21); });
  sim.run();
  CHECK(order == std::vector<int>{1, 2, 21, 25, 3});
  CHECK(sim.now() == seconds(2));
  CHECK(sim.events_processed() == 5);
}

TEST_CASE("cancel is lazy and handles go stale", "[core]") {
  Simulator sim;
  int ran = 0;
  auto a = sim.schedule_at(10, [&] { ran += 1; });
  auto b = sim.schedule_at(20, [&] { ran += 10; });
  CHECK(sim.is_pending(a));
  sim.cancel(a);
  sim.cancel(a);  // twice is harmless
  CHECK_FALSE(sim.is_pending(a));
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(ran == 10);
  CHECK_FALSE(sim.is_pending(b));
  // A reused slot does not revive an old handle.
  auto c = sim.schedule_at(30, [&] { ran += 100; });
  sim.cancel(b);
  CHECK(sim.is_pending(c));
  sim.run();
  CHECK(ran == 110);
}

TEST_CASE("cancelled events are dropped once they outnumber live ones, order kept", "[core]") {
  // A policy that re-files far-future completions at every step: without compaction the queue
  // would hold every cancelled entry until the end of the run.
  Simulator sim;
  std::vector<int> order;
  std::vector<EventId> far(50);
  for (int k = 0; k < 50; ++k)
    far[k] = sim.schedule_at(1'000'000 + k % 5, [&order, k] { order.push_back(1000 + k); });
  std::size_t most = 0;
  for (int step = 1; step <= 2000; ++step) {
    sim.schedule_at(step, [&order, step] {
      if (step % 500 == 0) order.push_back(step);
    });
    for (int k = 0; k < 50; ++k) {
      sim.cancel(far[k]);
      far[k] = sim.schedule_at(1'000'000 + k % 5, [&order, k] { order.push_back(1000 + k); });
    }
    most = std::max(most, sim.queued());
  }
  CHECK(sim.pending() == 2050);
  CHECK(most <= 2 * 2050 + 1025);  // 100,000 cancellations in all
  sim.run();
  // Steps in time order, then the far events by time and, within a time, by filing order.
  std::vector<int> want = {500, 1000, 1500, 2000};
  for (int r = 0; r < 5; ++r) {
    for (int k = r; k < 50; k += 5)
      want.push_back(1000 + k);
  }
  CHECK(order == want);
  CHECK(sim.queued() == 0);
}

// A policy that reschedules every completion at every event leaves many cancelled entries; they
// are purged in bulk (see simulator.hpp). The purge must not change which events run or their
// order, and handles of purged events must stay stale.
TEST_CASE("mass cancellation keeps order and stale handles", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  Simulator sim(make_event_queue(name));
  std::vector<int> order;
  std::vector<EventId> ids;
  // 20000 events at times 20000 - i; every one except multiples of 7 is cancelled.
  for (int i = 0; i < 20000; ++i)
    ids.push_back(sim.schedule_at(seconds(20000 - i), [&order, i] { order.push_back(i); }));
  for (int i = 0; i < 20000; ++i) {
    if (i % 7 != 0) sim.cancel(ids[i]);
  }
  CHECK(sim.pending() == 2858);
  int wrong = 0;
  for (int i = 0; i < 20000; ++i)
    wrong += sim.is_pending(ids[i]) != (i % 7 == 0);
  CHECK(wrong == 0);
  // A new event reusing a purged slot is not reachable through the old handle.
  auto fresh = sim.schedule_at(seconds(0), [&order] { order.push_back(-1); });
  sim.cancel(ids[1]);
  CHECK(sim.is_pending(fresh));
  sim.run();
  std::vector<int> expected{-1};
  for (int i = 19999; i >= 0; --i) {
    if (i % 7 == 0) expected.push_back(i);
  }
  CHECK(order == expected);
}

TEST_CASE("scheduling in the past is an invariant violation", "[core]") {
  Simulator sim;
  sim.schedule_at(100, [&] { CHECK_THROWS_AS(sim.schedule_at(50, [] {}), InvariantError); });
  sim.run();
}

TEST_CASE("run(until) stops before later events", "[core]") {
  Simulator sim;
  int n = 0;
  for (int t = 1; t <= 10; ++t)
    sim.schedule_at(t, [&] { ++n; });
  sim.run(5);
  CHECK(n == 5);
  sim.run();
  CHECK(n == 10);
}

TEST_CASE("a clock that stops advancing is reported after the stall limit", "[core]") {
  Simulator sim;
  sim.set_stall_limit(100, [] { return std::string("the culprit"); });
  std::function<void()> again = [&] { sim.schedule_at(seconds(5), again); };
  sim.schedule_at(seconds(5), again);
  // The first event at t=5 advances the clock (0 -> 5); the 100 after it are allowed in a row,
  // the 102nd throws before it runs: 101 processed.
  CHECK_THROWS_WITH(sim.run(), Catch::Contains("stuck at t=5s") && Catch::Contains("the culprit"));
  CHECK(sim.events_processed() == 101);

  Simulator moving;  // the same number of events spread over time is fine
  moving.set_stall_limit(100);
  int left = 1000;
  std::function<void()> step = [&] {
    if (--left > 0) moving.schedule_in(seconds(left % 2), step);
  };
  moving.schedule_at(seconds(1), step);
  CHECK_NOTHROW(moving.run());
  CHECK(moving.events_processed() == 1000);
}

TEST_CASE("random streams are independent of each other and reproducible", "[core][rng]") {
  RngStream a(42, 0, "arrivals"), a2(42, 0, "arrivals"), b(42, 0, "sizes"), r1(42, 1, "arrivals");
  auto x = a.next_u64();
  CHECK(x == a2.next_u64());
  CHECK(x != b.next_u64());
  CHECK(x != r1.next_u64());
  // xoshiro256** reference: from the all-(1,2,3,4) state the first outputs are known constants
  // of the algorithm; here we check the documented seeding is stable across builds instead:
  // re-deriving the same stream gives the same 1000 draws.
  RngStream c(7, 3, "x"), d(7, 3, "x");
  for (int i = 0; i < 1000; ++i)
    REQUIRE(c.uniform() == d.uniform());
}

TEST_CASE("distributions have the right moments", "[core][rng]") {
  RngStream r(1, 0, "moments");
  const int n = 200000;
  double sum = 0, sum2 = 0, esum = 0;
  std::int64_t lo = 100, hi = -100;
  for (int i = 0; i < n; ++i) {
    double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    double z = r.normal();
    sum += z;
    sum2 += z * z;
    esum += r.exponential(3.0);
    auto k = r.uniform_int(-3, 3);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  // Standard errors: mean of N(0,1) ~ 0.0022, variance ~ 0.0032, exponential mean ~ 0.0067.
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::abs(sum2 / n - 1.0) < 0.015);
  CHECK(std::abs(esum / n - 3.0) < 0.03);
  CHECK(lo == -3);
  CHECK(hi == 3);
  std::vector<double> w{1, 0, 3};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 40000; ++i)
    ++counts[r.weighted_index(w)];
  CHECK(counts[1] == 0);
  CHECK(std::abs(counts[2] / 40000.0 - 0.75) < 0.01);
}

namespace {

// The reference for the differential test below: the contract in its plainest form. Events stay
// in a vector in scheduling order; run() scans the pending ones for the least (time, index).
class ReferenceSim {
 public:
  using Handle = std::size_t;
  SimTime now() const { return now_; }
  template <class F>
  Handle schedule_in(SimTime delay, F fn) {
    events_.push_back(Event{now_ + delay, true, std::function<void()>(std::move(fn))});
    pending_.push_back(events_.size() - 1);
    return events_.size() - 1;
  }
  void cancel(Handle h) {
    if (!events_[h].pending) return;
    events_[h].pending = false;
    pending_.erase(std::find(pending_.begin(), pending_.end(), h));
  }
  bool is_pending(Handle h) const { return events_[h].pending; }
  std::size_t pending() const { return pending_.size(); }
  void stop() { stopped_ = true; }
  void run(SimTime until) {
    stopped_ = false;
    while (!stopped_ && !pending_.empty()) {
      auto best = pending_.begin();
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        const Event& e = events_[*it];
        const Event& b = events_[*best];
        if (e.time < b.time || (e.time == b.time && *it < *best)) best = it;
      }
      Event& e = events_[*best];
      if (e.time > until) return;
      e.pending = false;
      now_ = e.time;
      pending_.erase(best);
      auto fn = std::move(e.fn);
      fn();
    }
  }
  void skip_seq_for_testing(std::uint64_t) {}

 private:
  struct Event {
    SimTime time;
    bool pending;
    std::function<void()> fn;
  };
  std::vector<Event> events_;
  std::vector<std::size_t> pending_;
  SimTime now_ = 0;
  bool stopped_ = false;
};

struct SimAdapter {
  using Handle = EventId;
  Simulator sim;
  int purges = 0;
  SimTime now() const { return sim.now(); }
  template <class F>
  Handle schedule_in(SimTime delay, F fn) {
    return sim.schedule_in(delay, std::move(fn));
  }
  void cancel(Handle h) {
    const std::size_t queued = sim.queued();
    sim.cancel(h);
    purges += sim.queued() < queued;  // cancelled entries were dropped from the queue
  }
  bool is_pending(Handle h) const { return sim.is_pending(h); }
  std::size_t pending() const { return sim.pending(); }
  void stop() { sim.stop(); }
  void run(SimTime until) { sim.run(until); }
  void skip_seq_for_testing(std::uint64_t seq) { sim.skip_seq_for_testing(seq); }
};

// A random scenario whose every choice is drawn from a stream named after the event making it,
// so two simulators that run events in the same order make the same choices. Events schedule
// children (ties, short and huge delays), cancel and query random handles, sometimes stop the run;
// between runs the driver files and mass-cancels events from outside and runs to random ends.
// Callbacks come in three kinds: small (stored inline), large (boxed) and owning a shared_ptr
// (must be destroyed when run or cancelled). Returns the log of everything observed.
template <class S>
std::vector<std::int64_t> random_scenario(S& sim, std::uint64_t seed,
                                          const std::shared_ptr<int>& token) {
  std::vector<std::int64_t> log;
  std::vector<typename S::Handle> handles;
  std::function<void(std::size_t)> act;
  auto file = [&](SimTime delay, std::size_t id) {
    switch (id % 3) {
      case 0:
        return sim.schedule_in(delay, [&act, id] { act(id); });
      case 1: {
        std::array<std::int64_t, 12> pad{};  // 96 bytes: boxed
        pad[id % 12] = static_cast<std::int64_t>(id);
        return sim.schedule_in(delay,
                               [&act, pad, id] { act(static_cast<std::size_t>(pad[id % 12])); });
      }
      default:
        return sim.schedule_in(delay, [&act, token, id] { act(id); });
    }
  };
  auto draw_delay = [](RngStream& r) -> SimTime {
    switch (r.uniform_int(0, 3)) {
      case 0:
        return 0;
      case 1:
        return r.uniform_int(0, 3);
      case 2:
        return r.uniform_int(0, 2'000'000);
      default:
        return r.uniform_int(0, std::int64_t{1} << 40);
    }
  };
  act = [&](std::size_t id) {
    RngStream r(seed, id, "act");
    log.push_back(static_cast<std::int64_t>(id));
    log.push_back(sim.now());
    const int children = handles.size() < 6000 ? static_cast<int>(r.uniform_int(0, 3)) : 0;
    for (int c = 0; c < children; ++c) {
      const std::size_t child = handles.size();
      handles.push_back(file(draw_delay(r), child));
    }
    for (int q = 0; q < 2; ++q) {
      const auto h = static_cast<std::size_t>(r.uniform_int(0, handles.size() - 1));
      log.push_back(sim.is_pending(handles[h]));
      if (q == 0 && r.uniform() < 0.3) sim.cancel(handles[h]);
    }
    if (r.uniform() < 0.01) sim.stop();
  };
  RngStream driver(seed, 0, "driver");
  SimTime until = 0;
  for (int round = 0; round < 40; ++round) {
    const int fresh = static_cast<int>(driver.uniform_int(0, 400));
    for (int i = 0; i < fresh; ++i) {
      const std::size_t id = handles.size();
      handles.push_back(file(draw_delay(driver), id));
    }
    if (round % 10 == 5) {  // mass cancellation: forces the purge of cancelled entries
      for (auto& h : handles) {
        if (driver.uniform() < 0.8) sim.cancel(h);
      }
      log.push_back(static_cast<std::int64_t>(sim.pending()));
    }
    if (round == 20) sim.skip_seq_for_testing(EventKey::kMaxSeq - 100);  // renumbering
    until += driver.uniform_int(0, 3'000'000);
    sim.run(round == 39 ? kForever : until);
    log.push_back(-1);
    log.push_back(sim.now());
  }
  while (sim.pending() > 0)  // events may stop() the run
    sim.run(kForever);
  return log;
}

}  // namespace

TEST_CASE("random schedule/cancel/run sequences match a reference model on every queue", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    auto token = std::make_shared<int>(0);
    ReferenceSim ref;
    const auto want = random_scenario(ref, seed, token);
    std::vector<std::int64_t> got;
    {
      auto tok = std::make_shared<int>(0);
      SimAdapter sim{Simulator(make_event_queue(name))};
      got = random_scenario(sim, seed, tok);
      CHECK(sim.sim.pending() == 0);
      CHECK(sim.purges > 0);
      CHECK(tok.use_count() == 1);  // every callback run or cancelled was destroyed
    }
    CAPTURE(name, seed);
    REQUIRE(want.size() > 10'000);
    CHECK(got == want);
  }
}

TEST_CASE("pending callbacks are destroyed by cancel and by the simulator's destructor", "[core]") {
  auto token = std::make_shared<int>(0);
  {
    Simulator sim;
    std::array<char, 100> big{};
    auto a = sim.schedule_at(5, [token] {});
    sim.schedule_at(6, [token, big] { (void)big; });  // boxed
    sim.schedule_at(7, [token] {});
    CHECK(token.use_count() == 4);
    sim.cancel(a);
    CHECK(token.use_count() == 3);
    sim.run(6);
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);
}

// Seqs have 36 bits (event_queue.hpp); when they run out the pending keys are renumbered in order.
// Without that, the seq after kMaxSeq would wrap to 0 and jump ahead of its time's other events.
TEST_CASE("running out of sequence numbers renumbers without changing the order", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  Simulator sim(make_event_queue(name));
  std::vector<int> order;
  for (int i = 0; i < 4; ++i)
    sim.schedule_at(10, [&order, i] { order.push_back(i); });
  sim.skip_seq_for_testing(EventKey::kMaxSeq - 1);
  for (int i = 4; i < 8; ++i)
    sim.schedule_at(10, [&order, i] { order.push_back(i); });
  sim.schedule_at(5, [&order] { order.push_back(100); });
  sim.run();
  CHECK(order == std::vector<int>{100, 0, 1, 2, 3, 4, 5, 6, 7});
}
