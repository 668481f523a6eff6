// The clockwork policy's small containers on their own: a GPU's strategy queue must pop in key
// order whatever the order of the pushes, and an estimate window must give Clockwork's
// percentile of its last n values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "serving/policies/clockwork_policy.hpp"

using clustersim::serving::clockwork::SlidingWindow;
using clustersim::serving::clockwork::Strategy;
using clustersim::serving::clockwork::StrategyQueue;

TEST_CASE("clockwork strategy queue: pops by priority, then batch, then model",
          "[serving][clockwork]") {
  StrategyQueue q;
  q.push({50, 1, 7});
  q.push({40, 2, 9});
  q.push({40, 1, 9});
  q.push({40, 1, 3});
  q.push({60, 4, 1});
  std::vector<Strategy> order;
  while (!q.empty())
    order.push_back(q.pop());
  REQUIRE(order.size() == 5);
  CHECK((order[0].priority == 40 && order[0].batch == 1 && order[0].model == 3));
  CHECK((order[1].priority == 40 && order[1].batch == 1 && order[1].model == 9));
  CHECK((order[2].priority == 40 && order[2].batch == 2));
  CHECK(order[3].priority == 50);
  CHECK(order[4].priority == 60);
}

TEST_CASE("clockwork strategy queue: interleaved pushes and pops give the smallest each time",
          "[serving][clockwork]") {
  // Against a sorted vector, with pushes both before the head (retries) and at the back, and
  // long runs that exercise the dropped prefix.
  std::mt19937_64 rng(7);
  StrategyQueue q;
  std::vector<Strategy> ref;
  auto less = [](const Strategy& a, const Strategy& b) { return b > a; };
  std::uint32_t model = 0;
  for (int step = 0; step < 20000; ++step) {
    if (ref.empty() || rng() % 3 != 0) {
      const std::int64_t base = ref.empty() ? 0 : ref.front().priority;
      const Strategy s{base + static_cast<std::int64_t>(rng() % 200) - 20,
                       1 << static_cast<int>(rng() % 5), model++};
      q.push(s);
      ref.insert(std::upper_bound(ref.begin(), ref.end(), s, less), s);
    } else {
      REQUIRE_FALSE(q.empty());
      const Strategy got = q.pop();
      REQUIRE(got.model == ref.front().model);
      ref.erase(ref.begin());
      if (!ref.empty()) REQUIRE(q.front().model == ref.front().model);
    }
    REQUIRE(q.empty() == ref.empty());
  }
}

TEST_CASE("clockwork estimate window: percentile of the last n values", "[serving][clockwork]") {
  // By hand, window 4, p = 0.99: position 0.99 * 3 = 2.97, between the 3rd and 4th smallest.
  SlidingWindow w(4);
  CHECK(w.empty());
  w.insert(10);
  CHECK(w.percentile(0.99) == 10);
  for (std::int64_t v : {40, 20, 30})
    w.insert(v);
  // {10, 20, 30, 40}: 40 * 0.97 + 30 * 0.03 = 39.7, truncated.
  CHECK(w.percentile(0.99) == 39);
  w.insert(5);  // 10 leaves: {5, 20, 30, 40}
  CHECK(w.percentile(0.0) == 5);
  w.insert(5);                      // 40 leaves: {5, 5, 20, 30}
  CHECK(w.percentile(0.99) == 29);  // 30 * 0.97 + 20 * 0.03 = 29.7
  CHECK(w.percentile(0.5) == 12);   // position 1.5: 20 * 0.5 + 5 * 0.5 = 12.5

  // Against the last n values sorted afresh, with many equal values.
  std::mt19937_64 rng(11);
  for (int n : {1, 3, 10}) {
    SlidingWindow win(n);
    std::deque<std::int64_t> last;
    for (int i = 0; i < 2000; ++i) {
      const auto v = static_cast<std::int64_t>(rng() % 8);
      win.insert(v);
      last.push_back(v);
      if (static_cast<int>(last.size()) > n) last.pop_front();
      std::vector<std::int64_t> sorted(last.begin(), last.end());
      std::sort(sorted.begin(), sorted.end());
      REQUIRE(win.percentile(0.0) == sorted.front());
      REQUIRE(win.percentile(1.0) == sorted.back());
    }
  }
}
