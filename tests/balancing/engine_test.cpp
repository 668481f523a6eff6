// The balancing engine's mechanics on small cases computed by hand: processor sharing under
// contention, throttling (as a rate and on/off), the master front end, worker overhead, closed
// loops, and determinism.
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "clustersim/core/csv.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

// finish_s of every task, by task id, from an in-memory tasks.csv.
std::map<long, double> finishes(const RunOutput& out) {
  TempDir dir;
  CsvReader csv(dir.write("tasks.csv", out.file("tasks.csv")));
  const auto id = csv.require({"task_id"}), fin = csv.require({"finish_s"});
  std::map<long, double> m;
  while (csv.next())
    m[static_cast<long>(csv.get_int(id))] = csv.get_double(fin);
  return m;
}

std::string trace(const std::string& rows) {
  static TempDir dir;
  static int n = 0;
  return dir.write("t" + std::to_string(n++) + ".csv", "arrival_s,service_s\n" + rows);
}

}  // namespace

TEST_CASE("contention rescales every running task when the busy count changes",
          "[balancing][engine]") {
  // One node, 2 slots, linear sigma 0.5: f(1) = 1, f(2) = 1.5. Tasks of 1 s and 3 s start at 0:
  // both run at 1/1.5 until the short one has done 1 s of work at t = 1.5; the long one then has
  // 2 s left alone at rate 1 and ends at 3.5.
  auto out = run_balancing(
      "central", {{"cluster.slots", "2"}, {"contention", "linear"}, {"contention.sigma", "0.5"}},
      {{"trace", trace("0,1\n0,3\n")}}, {"tasks.csv"});
  auto f = finishes(out);
  CHECK(f[0] == Approx(1.5));
  CHECK(f[1] == Approx(3.5));
  SECTION("cluster scope counts the busy slots of all nodes") {
    // Two 1-slot nodes sharing one host: the same arithmetic across nodes.
    auto shared = run_balancing("central",
                                {{"cluster.nodes", "2"},
                                 {"contention", "linear"},
                                 {"contention.sigma", "0.5"},
                                 {"contention.scope", "cluster"}},
                                {{"trace", trace("0,1\n0,3\n")}}, {"tasks.csv"});
    auto g = finishes(shared);
    CHECK(g[0] == Approx(1.5));
    CHECK(g[1] == Approx(3.5));
  }
  SECTION("a measured table, linear between its points") {
    // f(1) = 1, f(3) = 2 -> f(2) = 1.5: the same schedule as above.
    auto table = run_balancing("central",
                               {{"cluster.slots", "2"},
                                {"contention", "table"},
                                {"contention.busy", "1,3"},
                                {"contention.factor", "1,2"}},
                               {{"trace", trace("0,1\n0,3\n")}}, {"tasks.csv"});
    auto g = finishes(table);
    CHECK(g[0] == Approx(1.5));
    CHECK(g[1] == Approx(3.5));
  }
}

TEST_CASE("a throttled node works p of the time", "[balancing][engine]") {
  SECTION("as a rate: 0.21 s of work at p = 0.7 takes 0.3 s") {
    auto out = run_balancing("central", {{"cluster.throttle", "0.7"}},
                             {{"trace", trace("0,0.21\n")}}, {"tasks.csv"});
    CHECK(finishes(out)[0] == Approx(0.3));
  }
  SECTION("on/off: 70 ms of every 100 ms, 0.21 s of work ends at 0.27 s") {
    // on [0, 0.07), [0.1, 0.17), [0.2, 0.27): three on-windows of 70 ms.
    auto out = run_balancing("central", {{"cluster.throttle", "0.7"}, {"throttle.mode", "onoff"}},
                             {{"trace", trace("0,0.21\n")}}, {"tasks.csv"});
    CHECK(finishes(out)[0] == Approx(0.27));
  }
}

TEST_CASE("the master front end is one FIFO server", "[balancing][engine]") {
  // 3 tasks of 10 s submitted together to a master that takes 1 s per submission, 0.5 s per
  // start and 0.25 s per finish, on 3 one-slot nodes with 0.1 s of worker overhead. All three
  // submissions queue at 0 and are served 0-1, 1-2, 2-3; the starts, requested at 1.1, 2.1 and
  // 3.1, queue behind them and are served 3-3.5, 3.5-4, 4-4.5; the runs end at 13.5, 14, 14.5
  // and the finishes are served 13.5-13.75, 14-14.25, 14.5-14.75.
  auto out = run_balancing("round-robin",
                           {{"cluster.nodes", "3"},
                            {"workload.tasks", "3"},
                            {"service.mean_s", "10"},
                            {"frontend.submit_s", "1"},
                            {"frontend.start_s", "0.5"},
                            {"frontend.finish_s", "0.25"},
                            {"worker.overhead_s", "0.1"}},
                           {}, {"tasks.csv"});
  auto f = finishes(out);
  CHECK(f[0] == Approx(13.75));
  CHECK(f[1] == Approx(14.25));
  CHECK(f[2] == Approx(14.75));
  // aiVLE's makespan clock starts at min(last release, first start) = min(3, 3.5).
  CHECK(metric(out, "makespan_release_s") == Approx(14.75 - 3));
  SECTION("fetch requests queue behind what arrived meanwhile") {
    // One node, 2 slots, both tasks released at 0 (no submit cost); starts (1 s each) are served
    // 0.0-1.0 and 1.0-2.0; task 0's fetch (1 s) joins the queue at 1.0, behind task 1's start:
    // served 2.0-3.0, so task 0 runs 3-13; task 1's fetch 3.0-4.0, runs 4-14.
    auto g = finishes(run_balancing("central",
                                    {{"cluster.slots", "2"},
                                     {"workload.tasks", "2"},
                                     {"service.mean_s", "10"},
                                     {"frontend.start_s", "1"},
                                     {"frontend.fetch_s", "1"}},
                                    {}, {"tasks.csv"}));
    CHECK(g[0] == Approx(13));
    CHECK(g[1] == Approx(14));
  }
}

TEST_CASE("a closed loop keeps every client's task in the system", "[balancing][engine]") {
  // 3 clients, no think time, 2 slots, 2 s per task: the slots never idle, so 1 task per second.
  auto out = run_balancing("central", {{"cluster.slots", "2"},
                                       {"workload", "closed"},
                                       {"workload.clients", "3"},
                                       {"workload.duration_s", "100"},
                                       {"service.mean_s", "2"},
                                       {"metrics.warmup_s", "10"},
                                       {"metrics.until_s", "100"}});
  CHECK(metric(out, "throughput_rps") == Approx(1.0));
  // Every task waits for one slot's remaining 2 s half the time: response = 3 s.
  CHECK(metric(out, "response_mean_s") == Approx(3.0));
}

TEST_CASE("balancing runs are deterministic", "[balancing][engine]") {
  const std::map<std::string, std::string> s = {
      {"cluster.nodes", "20"},     {"workload", "poisson"},  {"workload.load", "0.9"},
      {"workload.tasks", "5000"},  {"service", "lognormal"}, {"contention", "linear"},
      {"contention.sigma", "0.1"}, {"cluster.slots", "3"}};
  auto a = run_balancing("jsq2", s, {}, {"tasks.csv"});
  auto b = run_balancing("jsq2", s, {}, {"tasks.csv"});
  CHECK(a.file("tasks.csv") == b.file("tasks.csv"));
  CHECK(a.file("nodes.csv") == b.file("nodes.csv"));
  auto c = run_balancing("jsq2",
                         [&] {
                           auto t = s;
                           t["run"] = "1";
                           return t;
                         }(),
                         {}, {"tasks.csv"});
  CHECK(a.file("tasks.csv") != c.file("tasks.csv"));
}

}  // namespace clustersim::test
