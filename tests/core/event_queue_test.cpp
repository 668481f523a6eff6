#include <algorithm>

#include <catch2/catch.hpp>

#include "clustersim/core/event_queue.hpp"
#include "clustersim/core/rng.hpp"

using namespace clustersim;

// The heap's branch-free comparison packs (time, seq) into 128 bits; check it against the plain
// definition of the order (std::sort with EventKey::operator<) on keys with many equal times,
// negative times and the extreme values.
TEST_CASE("queues pop keys in (time, seq) order, with ties and extreme times", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  auto q = make_event_queue(name);
  RngStream rng(7, 0, "test.queue");
  std::vector<EventKey> keys;
  const SimTime extremes[] = {std::numeric_limits<SimTime>::min(), -1, 0, 1, kForever};
  std::uint64_t seq = 0;
  for (int i = 0; i < 5000; ++i) {
    SimTime t = i % 10 == 0 ? extremes[rng.uniform_int(0, 4)] : rng.uniform_int(-50, 50);
    keys.push_back(EventKey{t, seq++, static_cast<std::uint32_t>(i)});
  }
  std::vector<EventKey> expected = keys;
  std::sort(expected.begin(), expected.end());
  // Interleave inserts and pops: pop one key after every fourth insert, then drain.
  std::vector<EventKey> popped, inserted;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    q->insert(keys[i]);
    inserted.push_back(keys[i]);
    if (i % 4 == 3) {
      auto smallest = *std::min_element(inserted.begin(), inserted.end());
      CHECK(q->peek().seq == smallest.seq);
      auto k = q->pop();
      CHECK(k.seq == smallest.seq);
      inserted.erase(std::find_if(inserted.begin(), inserted.end(),
                                  [&](const EventKey& e) { return e.seq == k.seq; }));
    }
  }
  std::sort(inserted.begin(), inserted.end());
  REQUIRE(q->size() == inserted.size());
  for (const auto& e : inserted) {
    auto k = q->pop();
    REQUIRE(k.seq == e.seq);
    REQUIRE(k.time == e.time);
    REQUIRE(k.slot == e.slot);
  }
  CHECK(q->empty());
}
