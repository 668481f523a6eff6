// Migration policies: their rules on hand-picked states, and the engine's information policy
// (state messages stale by the link latency), transfers and MP4's bootstrap.
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "clustersim/balancing/policy.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

using balancing::MigrationContext;

int decide(const std::string& policy, const MigrationContext& c,
           const std::map<std::string, std::string>& settings = {}) {
  const auto& entry = balancing::migration_policies().get(policy);
  Params p;
  p.declare(entry.params, "test");
  for (const auto& [k, v] : settings)
    p.set(k, v);
  p.validate();
  return entry.factory(p)->decide(c);
}

MigrationContext queues(int self, int peer) {
  MigrationContext c;
  c.self_queued = self;
  c.peer_queued = peer;
  return c;
}

}  // namespace

TEST_CASE("MP4's transfer rules", "[balancing][migration]") {
  // Group 09's adaptor.py with MAX = 100, MIN = 50 (the report's run).
  SECTION("sender: above MAX, send min(q - MAX, MAX - q_peer) to a peer below MAX") {
    CHECK(decide("sender", queues(300, 40)) == 60);
    CHECK(decide("sender", queues(130, 90)) == 10);
    CHECK(decide("sender", queues(100, 0)) == 0);    // not above MAX
    CHECK(decide("sender", queues(500, 100)) == 0);  // peer not below MAX
  }
  SECTION("receiver: a peer below MIN is topped up to MIN") {
    CHECK(decide("receiver", queues(86, 36)) == 14);
    CHECK(decide("receiver", queues(55, 10)) == 5);
    CHECK(decide("receiver", queues(300, 50)) == 0);
  }
  SECTION("symmetric: both rules on the same state, added") {
    CHECK(decide("symmetric", queues(300, 40)) == 60 + 10);
    CHECK(decide("symmetric", queues(86, 36)) == 0 + 14);
  }
  SECTION("diff: half the gap, or MP4's min(DIFF, q) / 2") {
    CHECK(decide("diff", queues(100, 60)) == 20);
    CHECK(decide("diff", queues(100, 71)) == 0);  // gap 29 <= 30
    CHECK(decide("diff", queues(100, 60), {{"diff.send", "mp4"}}) == 15);
  }
  SECTION("ect: equal estimated completion times, corrected for the transfer time") {
    // a = 10 tasks x 1 s, b = 2 tasks x 2 s: i = (10 - 4) / (1 + 2) = 2; with a transfer time
    // of 1 s per task, 2 / (1/1 + 1) = 1.
    MigrationContext c = queues(10, 2);
    c.self_task_s = 1;
    c.peer_task_s = 2;
    c.transfer_s = 1;
    CHECK(decide("ect", c, {{"ect.transfer_correction", "false"}}) == 2);
    CHECK(decide("ect", c) == 1);
  }
}

TEST_CASE("migration acts on state that is stale by the link latency", "[balancing][migration]") {
  // 100 one-second tasks on n0, n1 idle; diff with threshold 0 sends half the gap; one state
  // exchange at t = 0 (the period is longer than the run).
  std::map<std::string, std::string> s = {{"cluster.nodes", "2"},    {"workload.tasks", "100"},
                                          {"workload.origin", "n0"}, {"migration", "diff"},
                                          {"migration.diff", "0"},   {"state.period_s", "1000"}};
  SECTION("no latency: n0 holds 99 queued at t = 0 and sends 49, keeping 51") {
    auto out = run_balancing("origin", s);
    CHECK(metric(out, "transfers") == 49);
    CHECK(metric(out, "makespan_s") == Approx(51));
  }
  SECTION("60 s latency: n1's 'empty' arrives at t = 60, when n0 has 40 queued") {
    // n0 sends 20, which also travel 60 s: n1 runs them 120-140; n0 ends its 20 at 80.
    s["link.latency_s"] = "60";
    auto out = run_balancing("origin", s);
    CHECK(metric(out, "transfers") == 20);
    CHECK(metric(out, "makespan_s") == Approx(140));
  }
  SECTION("a transfer costs the sender transfer.task_s per task") {
    // 49 tasks leave one every 0.5 s; n1 runs them as they come (1 s each > 0.5 s), from 0.5 to
    // 49.5; n0 keeps 51 and ends at 51.
    s["transfer.task_s"] = "0.5";
    auto out = run_balancing("origin", s, {}, {});
    CHECK(metric(out, "transfers") == 49);
    CHECK(metric(out, "makespan_s") == Approx(51));
  }
  SECTION("MP4's bootstrap sends half, and migration waits until it has arrived") {
    s["bootstrap.fraction"] = "0.5";
    auto out = run_balancing("origin", s);
    CHECK(metric(out, "transfers") == 50);
    CHECK(metric(out, "makespan_s") == Approx(50));
  }
}

}  // namespace clustersim::test
