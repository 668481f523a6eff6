// Hand-computed runs of the clockwork policy on one GPU (network delay 0, no controller cost).
// Zoo model times (ms): load, b1, b2, b4, b8, b16; clockwork defaults (schedule_ahead 5 ms,
// future 1 ms, buffer 5 ms, max_batch 8).
#include <catch2/catch.hpp>

#include "serving_support.hpp"

namespace clustersim::test {
namespace {

using serving::ServingEngineConfig;

ServingEngineConfig one_gpu(int pages = 100) {
  ServingEngineConfig c;
  c.gpus = 1;
  c.pages_per_gpu = pages;
  c.network = 0;
  return c;
}

constexpr SimTime ms(double x) {
  return static_cast<SimTime>(x * 1000);
}

TEST_CASE("clockwork: a cold model is loaded first, then the largest full batch runs",
          "[serving][clockwork]") {
  TempDir dir;
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  // Five requests at t = 0. The first wakes the idle GPU's LOAD (0..2 ms). At 2 ms the model
  // is usable; the GPU's timeline is free at now + future = 3 ms. The best strategy is b8
  // (deadline 95 ms - 3 ms), but only 5 requests are queued: b8 fails, then b4 takes requests
  // 0..3 (2 ms: 2..4 ms on the GPU, which starts it at once). The last request: b8, b4, b2
  // fail for one request, b1 runs after the first batch, 4..5 ms.
  ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, ms(10));
  auto run = run_engine(zoo, w, "clockwork", one_gpu());
  REQUIRE(run.requests.size() == 5);
  for (int i = 0; i < 4; ++i) {
    CHECK(run.requests[i].status == "ok");
    CHECK(run.requests[i].batch == 4);
    CHECK(run.requests[i].departure == ms(4));
  }
  CHECK(run.requests[4].batch == 1);
  CHECK(run.requests[4].departure == ms(5));
  CHECK(run.out.summary["loads"] == 1);
  CHECK(run.out.summary["errors"] == 0);
  CHECK(run.out.summary["mean_batch"].get<double>() == Approx((16.0 + 1) / 5));
}

TEST_CASE("clockwork: a hopeless request is answered with a timeout at SLO - 5 ms",
          "[serving][clockwork]") {
  TempDir dir;
  // A 12 ms LOAD and a 15 ms SLO: internal deadline 0 + max(15 - 5, 5 + 5) = 10 ms. The model is
  // usable at 12 ms, when the request cannot finish in time: it is discarded at dequeue and
  // was already answered with a timeout at 10 ms.
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,12,1,1.5,2,3,5"}));
  ScriptedWorkload w({0}, {{0, 0}}, ms(20));
  auto run = run_engine(zoo, w, "clockwork", one_gpu(), {}, ms(15));
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].status == "timeout");
  CHECK(run.requests[0].departure == ms(10));
  CHECK(run.out.summary["dropped"] == 1);
  CHECK(run.out.summary["infers"] == 0);
  CHECK(run.out.summary["clockwork_discarded_at_dequeue"] == 1);
}

TEST_CASE("clockwork: LOAD evicts the least recently used idle model", "[serving][clockwork]") {
  TempDir dir;
  // Room for two of the three one-page models. A, B and C load in 2 ms and run in 1 ms.
  const auto zoo = serving::read_model_zoo(
      write_zoo(dir, {"a,10,2,1,2,3,4,5", "b,10,2,1,2,3,4,5", "c,10,2,1,2,3,4,5"}));
  // A@0 (load, 0..3), B@20 (load, 20..23), A@40 (loaded: 40..41), C@60: both A and B are idle,
  // B was used last at 23 ms, A at 41: B is evicted (C: 60..63). A@80 finds A loaded (80..81);
  // B@100 must load again, evicting C (last used 63) rather than A (81): 100..103.
  ScriptedWorkload w({0, 1, 2},
                     {{0, 0}, {ms(20), 1}, {ms(40), 0}, {ms(60), 2}, {ms(80), 0}, {ms(100), 1}},
                     ms(120));
  auto run = run_engine(zoo, w, "clockwork", one_gpu(2));
  REQUIRE(run.requests.size() == 6);
  const SimTime expected[] = {ms(3), ms(23), ms(41), ms(63), ms(81), ms(103)};
  for (int i = 0; i < 6; ++i) {
    INFO("request " << i);
    CHECK(run.requests[i].status == "ok");
    CHECK(run.requests[i].departure == expected[i]);
  }
  CHECK(run.out.summary["evictions"] == 2);
  CHECK(run.out.summary["loads"] == 4);
}

TEST_CASE("clockwork: INFER waits for its model's LOAD result", "[serving][clockwork]") {
  TempDir dir;
  // One request for a cold model with a 7 ms LOAD: the INFER is sent when the LOAD's result is
  // back (7 ms) and runs 7..8 ms; nothing is sent to a GPU without the weights.
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,7,1,1.5,2,3,5"}));
  ScriptedWorkload w({0}, {{ms(1), 0}}, ms(10));
  auto run = run_engine(zoo, w, "clockwork", one_gpu());
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].departure == ms(1 + 7 + 1));
  CHECK(run.out.summary["errors"] == 0);
  CHECK(run.out.summary["clockwork_infer_errors"] == 0);
  CHECK(run.out.summary["cold_starts"] == 1);
}

TEST_CASE("clockwork: the 1 ms network delay each way is added to every action",
          "[serving][clockwork]") {
  TempDir dir;
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  // LOAD sent at 0, runs 1..3, result at 4; INFER sent at 4, runs 5..6, answered at 7.
  ScriptedWorkload w({0}, {{0, 0}}, ms(10));
  auto cfg = one_gpu();
  cfg.network = ms(1);
  auto run = run_engine(zoo, w, "clockwork", cfg);
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].departure == ms(7));
}

}  // namespace
}  // namespace clustersim::test
