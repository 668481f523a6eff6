#include <algorithm>
#include <set>

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
      CHECK(q->peek().seq() == smallest.seq());
      auto k = q->pop();
      CHECK(k.seq() == smallest.seq());
      inserted.erase(std::find_if(inserted.begin(), inserted.end(),
                                  [&](const EventKey& e) { return e.seq() == k.seq(); }));
    }
  }
  std::sort(inserted.begin(), inserted.end());
  REQUIRE(q->size() == inserted.size());
  for (const auto& e : inserted) {
    auto k = q->pop();
    REQUIRE(k.seq() == e.seq());
    REQUIRE(k.time == e.time);
    REQUIRE(k.slot() == e.slot());
  }
  CHECK(q->empty());
}

// The pattern a simulator produces (keys at or after the last popped time, many ties, spreads from
// 0 µs to years), with the occasional earlier key and take_all() + re-insert in scrambled order,
// against std::set as the reference order. Every pop and peek must agree.
TEST_CASE("queues agree with std::set under simulator-like traffic and take_all", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  auto q = make_event_queue(name);
  std::set<EventKey> ref;
  RngStream rng(11, 0, "test.queue.hold");
  std::uint64_t seq = 0;
  SimTime front = -5'000;  // time of the last key popped
  auto delay = [&]() -> SimTime {
    switch (rng.uniform_int(0, 4)) {
      case 0:
        return 0;
      case 1:
        return rng.uniform_int(0, 3);
      case 2:
        return rng.uniform_int(0, 1'000'000);
      case 3:
        return rng.uniform_int(0, std::int64_t{1} << 45);
      default:
        return -rng.uniform_int(1, 10'000);  // before the front
    }
  };
  int mismatches = 0, take_alls = 0;
  for (int step = 0; step < 60'000; ++step) {
    const auto op = rng.uniform_int(0, 99);
    if (op < 52 || ref.empty()) {
      EventKey k(front + delay(), seq++, static_cast<std::uint32_t>(step));
      q->insert(k);
      ref.insert(k);
    } else if (op < 99) {
      mismatches += q->peek().order != ref.begin()->order;
      const EventKey k = q->pop();
      mismatches += k.order != ref.begin()->order || k.time != ref.begin()->time;
      ref.erase(ref.begin());
      front = k.time;
    } else {
      std::vector<EventKey> all = q->take_all();
      ++take_alls;
      mismatches += !q->empty() || q->size() != 0;
      std::vector<EventKey> sorted = all;
      std::sort(sorted.begin(), sorted.end());
      mismatches += !std::equal(sorted.begin(), sorted.end(), ref.begin(), ref.end(),
                                [](const EventKey& a, const EventKey& b) {
                                  return a.order == b.order && a.time == b.time;
                                });
      std::reverse(all.begin(), all.end());  // out of seq order
      for (const EventKey& k : all)
        q->insert(k);
    }
    mismatches += q->size() != ref.size();
  }
  CHECK(take_alls > 100);
  CHECK(mismatches == 0);
  while (!ref.empty()) {
    REQUIRE(q->pop().order == ref.begin()->order);
    ref.erase(ref.begin());
  }
  CHECK(q->empty());
}

// Keys at the very first time arriving out of seq order (as after take_all) still leave by seq.
TEST_CASE("equal times inserted out of seq order leave by seq", "[core]") {
  auto name = GENERATE(from_range(event_queue_names()));
  auto q = make_event_queue(name);
  const SimTime t = std::numeric_limits<SimTime>::min();
  for (std::uint64_t seq : {5, 3, 4, 9, 1})
    q->insert(EventKey(t, seq, 0));
  q->insert(EventKey(t + 1, 0, 0));
  std::vector<std::uint64_t> seqs;
  while (!q->empty())
    seqs.push_back(q->pop().seq());
  CHECK(seqs == std::vector<std::uint64_t>{1, 3, 4, 5, 9, 0});
}
