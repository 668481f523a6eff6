// The balancing engine against queueing theory (research/loadbalancing.md 4.2): random split =
// M/M/1, round robin = E_k/M/1, central queue = M/M/c (Erlang C), JSQ(d) on n >= 100 servers =
// the supermarket fixed point, and Graham's list-scheduling bounds for batches. Each simulated
// mean is a 95 % Student-t interval over independent replications (run = 0, 1, ...), after a
// warm-up; the test fails when the closed form lies outside it (the seeds are fixed, so a pass
// or a failure is reproducible, not a matter of luck). The default suite uses moderate loads and
// short runs (a few seconds in all); [.][balancing-theory-long] repeats them at high load with more
// and longer replications (scripts/check_balancing_theory.sh).
#include <algorithm>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "clustersim/core/csv.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

std::map<std::string, std::string> open_exponential(int nodes, double load, int tasks,
                                                    double warmup_s) {
  return {{"cluster.nodes", std::to_string(nodes)},
          {"workload", "poisson"},
          {"workload.load", fmt::format("{}", load)},
          {"workload.tasks", std::to_string(tasks)},
          {"service", "exponential"},
          {"metrics.warmup_s", fmt::format("{}", warmup_s)}};
}

void check_interval(const MeanInterval& ci, double theory, const std::string& what) {
  INFO(fmt::format("{}: simulated {:.4f} +- {:.4f}, theory {:.4f}", what, ci.mean, ci.half_width,
                   theory));
  CHECK(ci.contains(theory));
  // An interval that contains everything proves nothing: keep it within 3 % of the mean.
  CHECK(ci.half_width < 0.03 * ci.mean);
}

}  // namespace

TEST_CASE("closed forms reproduce the research note's reference values", "[balancing][theory]") {
  // research/loadbalancing.md 4.2, computed there from the same formulas (3 decimals).
  CHECK(mm1_sojourn(0.9) == Approx(10.0));
  CHECK(ekm1_sojourn(2, 0.7) == Approx(2.601).margin(5e-4));
  CHECK(ekm1_sojourn(10, 0.9) == Approx(5.660).margin(5e-4));
  CHECK(ekm1_sojourn(3, 0.95) == Approx(13.448).margin(5e-4));
  CHECK(mmc_sojourn(2, 0.9) == Approx(5.263).margin(5e-4));
  CHECK(mmc_sojourn(8, 0.9) == Approx(1.877).margin(5e-4));
  CHECK(mmc_sojourn(24, 0.95) == Approx(1.611).margin(5e-4));
  CHECK(erlang_c(8, 8 * 0.9) == Approx(0.702).margin(5e-4));
  CHECK(erlang_c(24, 24 * 0.75) == Approx(0.128).margin(5e-4));
  CHECK(supermarket_sojourn(2, 0.9) == Approx(2.614).margin(5e-4));
  CHECK(supermarket_sojourn(3, 0.9) == Approx(2.028).margin(5e-4));
  CHECK(supermarket_sojourn(5, 0.99) == Approx(2.902).margin(5e-4));
}

TEST_CASE("dispatch policies match queueing theory at moderate load", "[balancing][theory]") {
  const int reps = 10, tasks = 40000;
  SECTION("random split over 10 nodes is M/M/1") {
    auto ci = replicate("random", open_exponential(10, 0.7, tasks, 100), "response_mean_s", reps);
    check_interval(ci, mm1_sojourn(0.7), "random, rho 0.7");
  }
  SECTION("round robin over 10 nodes is E_10/M/1") {
    auto ci =
        replicate("round-robin", open_exponential(10, 0.7, tasks, 100), "response_mean_s", reps);
    check_interval(ci, ekm1_sojourn(10, 0.7), "round-robin k=10, rho 0.7");
  }
  SECTION("a central queue over 8 nodes is M/M/8 (mean and Erlang C)") {
    auto ci = replicate("central", open_exponential(8, 0.8, tasks, 100),
                        std::vector<std::string>{"response_mean_s", "waited_fraction"}, reps);
    check_interval(ci[0], mmc_sojourn(8, 0.8), "central c=8, rho 0.8");
    check_interval(ci[1], erlang_c(8, 6.4), "P(wait) c=8, rho 0.8");
  }
  SECTION("JSQ(2) over 100 nodes is the supermarket model") {
    auto s = open_exponential(100, 0.7, 2 * tasks, 100);
    s["jsq.replacement"] = "true";
    check_interval(replicate("jsq2", s, "response_mean_s", reps), supermarket_sojourn(2, 0.7),
                   "JSQ(2) n=100, rho 0.7");
  }
}

TEST_CASE("least work left and a central FIFO queue make the same schedule",
          "[balancing][theory]") {
  // With exact sizes, LWL sends each task to the server that frees first, where the central
  // queue's next free slot takes it (Harchol-Balter et al. 1999): the same start times.
  auto s = open_exponential(5, 0.9, 20000, 0);
  const double central = metric(run_balancing("central", s), "response_mean_s");
  const double lwl = metric(run_balancing("lwl", s), "response_mean_s");
  CHECK(lwl == Approx(central).epsilon(1e-12));
}

TEST_CASE("batch makespans respect Graham's list-scheduling bounds", "[balancing][theory]") {
  SECTION("identical tasks: ceil(N / slots) waves") {
    // 100 tasks of 15 s on 3 nodes x 8 slots: ceil(100 / 24) = 5 waves = 75 s, for any policy
    // that never leaves a slot idle while tasks wait.
    for (const char* policy : {"central", "lwl", "broker-rr"}) {
      auto out = run_balancing(policy, {{"cluster.nodes", "3"},
                                        {"cluster.slots", "8"},
                                        {"workload.tasks", "100"},
                                        {"service.mean_s", "15"}});
      INFO(policy);
      CHECK(metric(out, "makespan_s") == Approx(75.0).epsilon(1e-9));
    }
  }
  SECTION("varied tasks: LB <= makespan <= W/m + (1 - 1/m) p_max, LPT <= (4/3 - 1/3m) OPT") {
    const int m = 7;
    for (int run = 0; run < 5; ++run) {
      auto out = run_balancing("central",
                               {{"cluster.nodes", std::to_string(m)},
                                {"workload.tasks", "200"},
                                {"service", "lognormal"},
                                {"service.cv", "1.5"},
                                {"run", std::to_string(run)}},
                               {}, {"tasks.csv"});
      TempDir dir;
      CsvReader csv(dir.write("tasks.csv", out.file("tasks.csv")));
      const auto col = csv.require({"work_s"});
      std::vector<double> work;
      while (csv.next())
        work.push_back(csv.get_double(col));
      const double total = std::accumulate(work.begin(), work.end(), 0.0);
      const double pmax = *std::max_element(work.begin(), work.end());
      const double lower = std::max(total / m, pmax);  // no schedule beats this
      const double makespan = metric(out, "makespan_s");
      CHECK(makespan >= lower - 1e-5);
      CHECK(makespan <= total / m + (1 - 1.0 / m) * pmax + 1e-5);
      CHECK(makespan <= (2 - 1.0 / m) * lower + 1e-5);
      // The same tasks longest first (a trace in decreasing order): Graham's LPT bound.
      std::sort(work.begin(), work.end(), std::greater<>());
      std::string trace = "arrival_s,service_s\n";
      for (double w : work)
        trace += fmt::format("0,{:.6f}\n", w);
      auto lpt = run_balancing("central", {{"cluster.nodes", std::to_string(m)}},
                               {{"trace", dir.write("lpt.csv", trace)}});
      CHECK(metric(lpt, "makespan_s") <= (4.0 / 3 - 1.0 / (3 * m)) * lower + 1e-5);
    }
  }
}

TEST_CASE("dispatch policies match queueing theory at high load (long)",
          "[.][balancing-theory-long]") {
  const int reps = 8;
  SECTION("M/M/1 and E_k/M/1") {
    for (double rho : {0.9, 0.95}) {
      check_interval(
          replicate("random", open_exponential(20, rho, 4000000, 2000), "response_mean_s", reps),
          mm1_sojourn(rho), fmt::format("random over 20 nodes, rho {}", rho));
      for (int k : {2, 3, 10}) {
        check_interval(replicate("round-robin", open_exponential(k, rho, 2000000, 2000),
                                 "response_mean_s", reps),
                       ekm1_sojourn(k, rho), fmt::format("round-robin k={}, rho {}", k, rho));
      }
    }
  }
  SECTION("M/M/c") {
    for (int c : {2, 8, 24}) {
      auto ci = replicate("central", open_exponential(c, 0.9, 2000000, 2000),
                          std::vector<std::string>{"response_mean_s", "waited_fraction"}, reps);
      check_interval(ci[0], mmc_sojourn(c, 0.9), fmt::format("central c={}, rho 0.9", c));
      check_interval(ci[1], erlang_c(c, 0.9 * c), fmt::format("P(wait) c={}, rho 0.9", c));
    }
  }
  SECTION("JSQ(d) on 500 and 1000 nodes, extrapolated to the mean-field limit") {
    // A finite system sits O(1/n) above the supermarket fixed point (0.15-0.3 % at n = 1000,
    // growing with d), so the check uses the Richardson extrapolation 2 T(1000) - T(500),
    // replication by replication; the n = 1000 interval is printed as well.
    for (int d : {2, 3, 5}) {
      std::vector<double> limit, direct;
      for (int r = 0; r < reps; ++r) {
        auto at = [&](int n) {
          auto s = open_exponential(n, 0.9, 4000 * n, 500);
          s["jsq.d"] = std::to_string(d);
          s["jsq.replacement"] = "true";
          s["run"] = std::to_string(r);
          return metric(run_balancing("jsq-d", s), "response_mean_s");
        };
        const double big = at(1000);
        direct.push_back(big);
        limit.push_back(2 * big - at(500));
      }
      const double theory = supermarket_sojourn(d, 0.9);
      const auto raw = mean_interval(direct, 0.95);
      INFO(fmt::format("JSQ({}) n=1000, rho 0.9: simulated {:.4f} +- {:.4f}, theory {:.4f}", d,
                       raw.mean, raw.half_width, theory));
      CHECK(raw.mean > theory);  // a finite system is worse than the limit
      check_interval(mean_interval(limit, 0.95), theory,
                     fmt::format("JSQ({}) 2 T(1000) - T(500), rho 0.9", d));
    }
  }
}

}  // namespace clustersim::test
