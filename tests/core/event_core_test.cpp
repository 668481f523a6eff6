#include <algorithm>
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
