// aiVLE's parallelisation experiment (research/loadbalancing.md section 1): the web-log parser
// against the upstream notebook's numbers, the calibration, and the six makespans within 3 %.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "clustersim/balancing/aivle.hpp"
#include "clustersim/balancing/components.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

struct Config {
  int log, nodes, slots;
  double notebook_s;  ///< the upstream notebook's makespan (research note 1.4)
};
const Config kRuns[] = {{10, 1, 1, 1558.811}, {9, 1, 2, 859.237}, {8, 1, 4, 422.744},
                        {7, 1, 8, 235.426},   {6, 2, 8, 128.261}, {5, 3, 8, 92.475}};

std::string web_log(int n) {
  return anchor(fmt::format("aivle/web/debug.log.{}", n));
}

}  // namespace

TEST_CASE("aiVLE web logs give the notebook's makespans", "[balancing][aivle]") {
  for (const auto& c : kRuns) {
    const auto log = balancing::read_aivle_web_log(web_log(c.log));
    INFO("debug.log." << c.log);
    CHECK(log.jobs.size() == 100);
    CHECK(balancing::aivle_makespan_s(log) == Approx(c.notebook_s).margin(1e-3));
  }
  // The 3-node run's split over the nodes (research note 1.4): 34 / 36 / 30.
  std::map<std::string, int> split;
  for (const auto& j : balancing::read_aivle_web_log(web_log(5)).jobs)
    ++split[j.node];
  CHECK(split == std::map<std::string, int>{
                     {"celery@xgpg0", 34}, {"celery@xgpg1", 36}, {"celery@xgpg2", 30}});
}

TEST_CASE("an aiVLE web log replays as a task trace", "[balancing][aivle]") {
  balancing::BalancingCluster one = balancing::uniform_cluster(1, 1, 1, 1);
  const auto t = balancing::read_task_trace(web_log(10), "auto", one);
  CHECK(t.format == "aivle-log");
  REQUIRE(t.tasks.size() == 100);
  CHECK(t.has_service);
  CHECK(t.tasks.front().arrival == 0);
  // 100 submissions ~0.56 s apart (the master's POST time): the last at about 55.5 s.
  CHECK(to_seconds(t.tasks.back().arrival) == Approx(99 * 0.5624).epsilon(0.02));
  double sum = 0;
  for (const auto& k : t.tasks)
    sum += k.work_s;
  CHECK(sum / 100 == Approx(15.17).margin(0.005));  // mean exec, c = 1 (research note 1.4)
}

TEST_CASE("the aiVLE calibration uses the single-node logs", "[balancing][aivle]") {
  const auto fit = balancing::fit_aivle(anchor("aivle/web"));
  // Logged mean execution times at c = 1, 2, 4, 8 (research note 1.4).
  REQUIRE(fit.exec_mean.size() == 4);
  CHECK(fit.exec_mean[0] == Approx(15.17).margin(0.005));
  CHECK(fit.exec_mean[1] == Approx(16.71).margin(0.005));
  CHECK(fit.exec_mean[2] == Approx(16.32).margin(0.005));
  CHECK(fit.exec_mean[3] == Approx(17.58).margin(0.005));
  CHECK(fit.submit_s == Approx(0.56).margin(0.01));  // "~0.56 s per submission POST"
  CHECK(fit.factor.front() == 1);
  // The run time excludes the master calls logged inside exec (~0.08 s at c = 1).
  CHECK(fit.s1 == Approx(15.17 - 0.076).margin(0.01));
}

TEST_CASE("aiVLE makespans within 3 % of the measured ones", "[balancing][aivle]") {
  const auto fit = balancing::fit_aivle(anchor("aivle/web"));
  for (const auto& c : kRuns) {
    std::map<std::string, std::string> s = {{"cluster.nodes", std::to_string(c.nodes)},
                                            {"cluster.slots", std::to_string(c.slots)},
                                            {"workload.tasks", "100"}};
    for (const auto& kv : fit.settings())
      s[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    auto out = run_balancing("broker-rr", s);
    const double measured =
        balancing::aivle_makespan_s(balancing::read_aivle_web_log(web_log(c.log)));
    const double ours = metric(out, "makespan_release_s");
    INFO(
        fmt::format("{} x {}: ours {:.1f} s, measured {:.1f} s", c.nodes, c.slots, ours, measured));
    CHECK(std::abs(ours / measured - 1) < 0.03);
    if (c.nodes == 2) CHECK(out.summary["node_tasks"] == nlohmann::json({50, 50}));
  }
}

}  // namespace clustersim::test
