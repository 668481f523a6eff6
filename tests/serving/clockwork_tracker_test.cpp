// The clockwork policy's LoadTracker on its own: which model a GPU loads when priorities tie
// (the most recently used on that GPU), and which it evicts (idle models first, then least
// recently used). 20 models, so the search crosses three levels of the 8-ary tree.
#include <catch2/catch.hpp>

#include <vector>

#include "serving/policies/clockwork_tracker.hpp"

using clustersim::serving::clockwork::LoadTracker;

namespace {

// Hand computation, one GPU, capacity 100 ms, every model one request of 1 ms with an exec SLO
// of 95 ms and a load SLO of 25 ms: load demand 1e6 * 1e8 / 2.5e7 = 4e6 ns each, so every
// model not on the GPU has load priority 4e6: a tie everywhere. The constructor stamps
// last_used model by model (G = 1: model m gets m), and every later use takes the next stamp.
struct Fixture {
  LoadTracker t{1, 20, 100'000'000, false, 0};
  std::vector<LoadTracker::Demand> d;
  Fixture() {
    for (int m = 0; m < 20; ++m)
      d.push_back(t.add_request(m, 1'000'000, 95'000'000, 25'000'000));
  }
};

}  // namespace

TEST_CASE("clockwork load tracker: a tie goes to the model used last on the GPU",
          "[serving][clockwork]") {
  Fixture f;
  CHECK(f.d[0].load == 4'000'000);
  CHECK(f.t.load_model(0, 0) == 19);  // stamps 0..19: model 19 is the most recent
  CHECK(f.t.load_model(0, 0) == 18);  // 19 is now held (stamp 20); 18 is next
  // An INFER of model 3 completes on the GPU: stamp 22 at the next decision, and its load
  // demand (the tie) is unchanged.
  f.t.completed(3, f.d[3], 0);
  CHECK(f.t.load_model(0, 0) == 3);
  CHECK(f.t.holds(19, 0));
  CHECK(f.t.holds(3, 0));
  CHECK_FALSE(f.t.holds(17, 0));
}

TEST_CASE("clockwork load tracker: eviction takes an idle model before the least recently used",
          "[serving][clockwork]") {
  Fixture f;
  f.t.completed(3, f.d[3], 0);
  REQUIRE(f.t.load_model(0, 0) == 3);   // stamp 21 (the completion's stamp 20 came first)
  REQUIRE(f.t.load_model(0, 0) == 19);  // stamp 22
  REQUIRE(f.t.load_model(0, 0) == 18);  // stamp 23
  // A loading model cannot be evicted.
  CHECK(f.t.evict_model(0, 0) == -1);
  // The LOADs complete in the order 3, 19, 18: stamps 24, 25, 26, so 3 is the least recently
  // used, and every model still has demand.
  f.t.load_complete(3, 0, true);
  f.t.load_complete(19, 0, true);
  f.t.load_complete(18, 0, true);
  CHECK(f.t.evict_model(0, 0) == 3);
  CHECK_FALSE(f.t.holds(3, 0));
  // Model 18's request times out: its demand is gone, so it goes before 19, the LRU.
  f.t.cancelled(18, f.d[18]);
  CHECK(f.t.evict_model(0, 0) == 18);
  CHECK(f.t.evict_model(0, 0) == 19);
  CHECK(f.t.evict_model(0, 0) == -1);
}
