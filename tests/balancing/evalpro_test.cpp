// EvalPro's maximum-throughput test (research/loadbalancing.md section 3): a closed loop with
// more clients than cores, so every core stays busy, and a linear contention f(b) = 1 + s(b-1):
// X(N) = N / (s1 f(N)), S(N) = X(N) / X(1) = N / f(N). With s from one published S(N) the
// simulated S(N) must give it back (the engine's closed loop and contention are right), and the
// 16-core baseline's X(16) follows from X(1) = 0.3 req/s. Constant service times make the
// saturated throughput exact (scripts/run_evalpro.sh uses exponential ones).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "balancing/balancing_support.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

double throughput(int cores, double sigma, double s1, bool isolated) {
  std::map<std::string, std::string> s = {{"workload", "closed"},
                                          {"workload.clients", std::to_string(4 * cores)},
                                          {"workload.duration_s", "2000"},
                                          {"metrics.warmup_s", "200"},
                                          {"metrics.until_s", "2000"},
                                          {"service", "constant"},
                                          {"service.mean_s", fmt::format("{}", s1)},
                                          {"contention", "linear"},
                                          {"contention.sigma", fmt::format("{}", sigma)}};
  if (isolated) {  // N one-core VMs on one host: contention counts the host's busy cores
    s["cluster.nodes"] = std::to_string(cores);
    s["contention.scope"] = "cluster";
  } else {
    s["cluster.slots"] = std::to_string(cores);
  }
  return metric(run_balancing(isolated ? "jsq" : "central", s), "throughput_rps");
}

}  // namespace

TEST_CASE("EvalPro: closed-loop S(N) with linear contention", "[balancing][evalpro]") {
  struct Setup {
    const char* name;
    int cores;
    double s_published;
    double x1;
    bool isolated;
  };
  // Seed 004 (the MTP presentation): S(16) = 11.23 (X1 = 0.3 req/s), S(64) = 29.6 (X1 = 0.66),
  // isolated VMs S(16) = 14.5, S(64) = 23.
  for (const Setup& u :
       {Setup{"16-core host", 16, 11.23, 0.3, false}, Setup{"64-core host", 64, 29.6, 0.66, false},
        Setup{"16 isolated VMs", 16, 14.5, 0.3, true},
        Setup{"64 isolated VMs", 64, 23.0, 0.66, true}}) {
    const double sigma = (u.cores / u.s_published - 1) / (u.cores - 1);
    const double x1 = throughput(1, sigma, 1 / u.x1, u.isolated);
    const double xn = throughput(u.cores, sigma, 1 / u.x1, u.isolated);
    INFO(fmt::format("{}: sigma {:.4f}, X(1) {:.3f}, X(N) {:.3f}, S {:.2f}", u.name, sigma, x1, xn,
                     xn / x1));
    CHECK(xn / x1 == Approx(u.s_published).epsilon(0.01));
    if (std::string(u.name) == "16-core host") CHECK(xn == Approx(3.37).epsilon(0.01));
  }
}

}  // namespace clustersim::test
