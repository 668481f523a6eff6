// Hand-computed runs of the fifo and clipper baselines, and of the controller's CPU model.
#include <catch2/catch.hpp>

#include "serving_support.hpp"

namespace clustersim::test {
namespace {

using serving::ServingEngineConfig;

constexpr SimTime ms(double x) {
  return static_cast<SimTime>(x * 1000);
}

ServingEngineConfig one_gpu() {
  ServingEngineConfig c;
  c.gpus = 1;
  c.network = 0;
  return c;
}

TEST_CASE("fifo: one request at a time, in arrival order", "[serving][fifo]") {
  TempDir dir;
  const auto zoo =
      serving::read_model_zoo(write_zoo(dir, {"a,10,2,1,2,3,4,5", "b,10,2,2,3,4,5,6"}));
  // Preloaded models; a (1 ms) at 0, b (2 ms) at 0, a at 0.5: 0..1, 1..3, 3..4.
  ScriptedWorkload w({0, 1}, {{0, 0}, {0, 1}, {ms(0.5), 0}}, ms(10));
  auto run = run_engine(zoo, w, "fifo", one_gpu());
  REQUIRE(run.requests.size() == 3);
  CHECK(run.requests[0].departure == ms(1));
  CHECK(run.requests[1].departure == ms(3));
  CHECK(run.requests[2].departure == ms(4));
  CHECK(run.out.summary["loads"] == 0);
  CHECK(run.out.summary["mean_batch"].get<double>() == 1.0);
}

TEST_CASE("clipper: AIMD grows the batch by one while batches meet the SLO", "[serving][clipper]") {
  TempDir dir;
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  // Five requests at 0, cap 1: [0] 0..1 ms (cap 2), [1,2] as b2 1..2.5 (cap 3), [3,4] 2.5..4.
  ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, ms(10));
  auto run = run_engine(zoo, w, "clipper", one_gpu());
  REQUIRE(run.requests.size() == 5);
  const SimTime expected[] = {ms(1), ms(2.5), ms(2.5), ms(4), ms(4)};
  for (int i = 0; i < 5; ++i)
    CHECK(run.requests[i].departure == expected[i]);
}

TEST_CASE("clipper: a batch slower than the SLO backs the cap off by 10 %", "[serving][clipper]") {
  TempDir dir;
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  // SLO 1.2 ms. [0] takes 1 ms (cap 1 -> 2); [1,2] take 1.5 ms > 1.2 (cap floor(1.8) = 1);
  // [3] 2.5..3.5 (cap 2); [4] 3.5..4.5. Nothing is dropped, late answers count as late.
  ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, ms(10));
  auto run = run_engine(zoo, w, "clipper", one_gpu(), {}, ms(1.2));
  REQUIRE(run.requests.size() == 5);
  const SimTime expected[] = {ms(1), ms(2.5), ms(2.5), ms(3.5), ms(4.5)};
  for (int i = 0; i < 5; ++i)
    CHECK(run.requests[i].departure == expected[i]);
  CHECK(run.out.summary["goodput"] == 1);
  CHECK(run.out.summary["late"] == 4);
  CHECK(run.out.summary["dropped"] == 0);
}

TEST_CASE("controller CPU: admissions and attempts queue on the controller's threads",
          "[serving][controller]") {
  TempDir dir;
  const auto zoo = serving::read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  auto cfg = one_gpu();
  SECTION("zero cost: served back to back from time 0") {
    ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}}, ms(10));
    auto run = run_engine(zoo, w, "fifo", cfg);
    CHECK(run.requests[0].departure == ms(1));
    CHECK(run.requests[1].departure == ms(2));
    CHECK(run.requests[2].departure == ms(3));
  }
  SECTION("one thread, 100 us per admission, 10 us per attempt") {
    // The three admissions take the thread 0..100, 100..200, 200..300 us. The attempt asked
    // for at 100 us starts after them: 300..310 us, sends request 0 (310..1310). Each result
    // asks for an attempt: 1310..1320 sends request 1 (..2320), 2320..2330 request 2 (..3330).
    cfg.costs.threads = 1;
    cfg.costs.admit_us = 100;
    cfg.costs.schedule_us = 10;
    ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}}, ms(10));
    auto run = run_engine(zoo, w, "fifo", cfg);
    CHECK(run.requests[0].departure == 1310);
    CHECK(run.requests[1].departure == 2320);
    CHECK(run.requests[2].departure == 3330);
    CHECK(run.stats.controller_busy == Approx((300 + 4 * 10) * 1e-6));
  }
  SECTION("a request finding more than max_admission_wait of work queued is shed") {
    // 100 us per admission, at most 150 us of queued work: requests 0 and 1 start at 0 and
    // 100 us; requests 2 and 3 would start at 200 us and are answered with a timeout at their
    // deadline (0 + 100 ms) without using the controller.
    cfg.costs.threads = 1;
    cfg.costs.admit_us = 100;
    cfg.max_admission_wait = 150;
    ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}, {0, 0}}, ms(10));
    auto run = run_engine(zoo, w, "fifo", cfg);
    CHECK(run.requests[0].departure == 1100);
    CHECK(run.requests[1].departure == 2100);
    for (int i : {2, 3}) {
      CHECK(run.requests[i].status == "timeout");
      CHECK(run.requests[i].departure == ms(100));
    }
    CHECK(run.stats.shed == 2);
    CHECK(run.stats.controller_busy == Approx(200e-6));
  }
  SECTION("two threads share the admissions") {
    // 0..100 and 0..100 on two threads, then 100..200: admitted at 100, 100, 200 us.
    cfg.costs.threads = 2;
    cfg.costs.admit_us = 100;
    ScriptedWorkload w({0}, {{0, 0}, {0, 0}, {0, 0}}, ms(10));
    auto run = run_engine(zoo, w, "fifo", cfg);
    CHECK(run.requests[0].departure == 1100);
    CHECK(run.requests[1].departure == 2100);
    CHECK(run.requests[2].departure == 3100);
  }
}

}  // namespace
}  // namespace clustersim::test
