// Dispatch policies on small cases whose outcome follows from the policy's definition.
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

std::vector<int> node_tasks(const RunOutput& out) {
  return out.summary.at("node_tasks").get<std::vector<int>>();
}

std::string spec(const std::string& json) {
  static TempDir dir;
  static int n = 0;
  return dir.write("s" + std::to_string(n++) + ".json", json);
}

}  // namespace

TEST_CASE("round robin follows the weights", "[balancing][dispatch]") {
  // Smooth weighted round robin with weights 2 and 1 cycles a, b, a: 200 and 100 of 300.
  auto out = run_balancing(
      "round-robin", {{"workload.tasks", "300"}},
      {{"cluster", spec(R"({"nodes": [{"name": "a", "weight": 2}, {"name": "b"}]})")}});
  CHECK(node_tasks(out) == std::vector<int>{200, 100});
}

TEST_CASE("early binding cannot use a faster node, late binding can", "[balancing][dispatch]") {
  // 90 tasks of 1 s on a node of speed 1 and one of speed 0.5 (research note 4.1: prefetch
  // hurts when nodes differ).
  const std::string two =
      spec(R"({"nodes": [{"name": "fast", "speed": 1}, {"name": "slow", "speed": 0.5}]})");
  SECTION("broker round robin without a window binds 45/45: the slow node needs 90 s") {
    auto out =
        run_balancing("broker-rr", {{"workload.tasks", "90"}, {"broker.prefetch_multiplier", "0"}},
                      {{"cluster", two}});
    CHECK(node_tasks(out) == std::vector<int>{45, 45});
    CHECK(metric(out, "makespan_s") == Approx(90));
  }
  SECTION("a central queue lets the fast node take two tasks per slow one: 60 s") {
    auto out = run_balancing("central", {{"workload.tasks", "90"}}, {{"cluster", two}});
    CHECK(node_tasks(out) == std::vector<int>{60, 30});
    CHECK(metric(out, "makespan_s") == Approx(60));
  }
  SECTION("Celery's window W = 4 x slots: the last reserved tasks keep the slow node busy") {
    // Each node holds 1 running + 4 reserved; the other 80 wait at the broker, and every start
    // (acknowledgement) frees one credit on that node, so both keep 4 reserved while the broker
    // has messages. By time t the broker has delivered floor(t) + floor(t / 2) of them: the 80th
    // goes out at t = 54, to the slow node (its completion at 54 was scheduled before the fast
    // node's). The fast node then runs its last 5 by 59, the slow node its last 5 (2 s each) by
    // 64: 5 + 53 and 5 + 27 tasks.
    auto out = run_balancing("broker-rr", {{"workload.tasks", "90"}}, {{"cluster", two}});
    CHECK(node_tasks(out) == std::vector<int>{58, 32});
    CHECK(metric(out, "makespan_s") == Approx(64));
  }
}

TEST_CASE("join-the-idle-queue never queues while nodes are idle", "[balancing][dispatch]") {
  // 1000 one-second tasks, one every 0.3 s, on 4 nodes: at most 4 overlap, so some node is
  // always idle and has
  // reported: no task ever waits.
  std::string rows = "arrival_s,service_s\n";
  for (int i = 0; i < 1000; ++i)
    rows += std::to_string(i * 0.3) + ",1\n";
  TempDir dir;
  auto out = run_balancing("jiq", {{"cluster.nodes", "4"}}, {{"trace", dir.write("t.csv", rows)}});
  CHECK(metric(out, "waited_fraction") == 0);
  // Random placement on the same arrivals does queue.
  auto rnd =
      run_balancing("random", {{"cluster.nodes", "4"}}, {{"trace", dir.write("t.csv", rows)}});
  CHECK(metric(rnd, "waited_fraction") > 0.05);
}

TEST_CASE("SITA routes by size interval", "[balancing][dispatch]") {
  // Cutoff 10 s: the 3 short tasks go to group 0 (n0, n1), the 2 long ones to group 1 (n2, n3);
  // within a group the shortest queue, lowest index first.
  TempDir dir;
  auto out = run_balancing(
      "sita", {{"cluster.nodes", "4"}, {"sita.cutoffs", "10"}},
      {{"trace", dir.write("t.csv", "arrival_s,service_s\n0,1\n0,50\n0,2\n0,3\n0,60\n")}});
  CHECK(node_tasks(out) == std::vector<int>{2, 1, 1, 1});
}

TEST_CASE("JSQ joins the shortest queue", "[balancing][dispatch]") {
  // 12 simultaneous tasks on 3 nodes with 1, 2 and 3 slots: JSQ by tasks per slot fills them in
  // proportion to their slots (2, 4, 6), as does JSQ(d) with d = n.
  auto out = run_balancing(
      "jsq", {{"workload.tasks", "12"}},
      {{"cluster", spec(R"({"nodes": [{"name": "a", "slots": 1}, {"name": "b", "slots": 2},
                                      {"name": "c", "slots": 3}]})")}});
  CHECK(node_tasks(out) == std::vector<int>{2, 4, 6});
}

TEST_CASE("resource-gated pull admits only what the free resource covers",
          "[balancing][dispatch]") {
  // aiVLE's monitor: 4 GB of VRAM, 1.87 GB per evaluation -> 2 at a time despite 8 slots: eight
  // 10-s tasks take 4 waves = 40 s.
  auto out = run_balancing(
      "gated-pull",
      {{"workload.tasks", "8"},
       {"service.mean_s", "10"},
       {"gated.demand", "1.87"},
       {"gated.period_s", "0"}},
      {{"cluster",
        spec(R"({"nodes": [{"name": "g", "slots": 8, "resources": {"vram_gb": 4}}]})")}});
  CHECK(metric(out, "makespan_s") == Approx(40));
}

TEST_CASE("a periodic resource monitor acts on stale samples", "[balancing][dispatch]") {
  // The same node with a 1-s monitor (aiVLE samples every second); ticks at 0.5, 1.5, ... from
  // the first arrival. A, B, C arrive at 0.5, 0.6, 0.7 while the sample still says "room" and all
  // start (overcommitted); D arrives at 3 after the monitor closed the node and waits centrally.
  // A-C end at 10.5-10.7, but the node reopens only at the 11.5 sample: D runs 11.5-21.5.
  TempDir dir;
  auto out = run_balancing(
      "gated-pull", {{"gated.demand", "1.87"}, {"gated.period_s", "1"}},
      {{"cluster", spec(R"({"nodes": [{"name": "g", "slots": 8, "resources": {"vram_gb": 4}}]})")},
       {"trace", dir.write("t.csv", "arrival_s,service_s\n0.5,10\n0.6,10\n0.7,10\n3,10\n")}});
  CHECK(metric(out, "makespan_s") == Approx(21));
}

TEST_CASE("origin dispatch keeps tasks where they start", "[balancing][dispatch]") {
  auto out = run_balancing(
      "origin", {{"cluster.nodes", "3"}, {"workload.tasks", "7"}, {"workload.origin", "n1"}});
  CHECK(node_tasks(out) == std::vector<int>{0, 7, 0});
}

}  // namespace clustersim::test
