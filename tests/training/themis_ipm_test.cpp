// The interior-point Themis solve (src/training/themis_ipm.hpp) on programs solved by
// hand, and against the exact solver's optimal value (unique even where x is not).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "training/muri/themis_lp.hpp"
#include "training/themis_ecos_instance.hpp"
#include "training/themis_ipm.hpp"

using namespace clustersim;
using themis::FairnessJob;

TEST_CASE("themis ipm: capacity-bound programs have one optimum, found by hand", "[themis]") {
  // rho_i = a_i / x_i (w = 0, E = 1), one GPU each, N = 1: at the optimum a_1/x_1 = a_2/x_2 = tau
  // and x_1 + x_2 = 1, so tau = a_1 + a_2 and x_i = a_i / tau. a = (1, 4): tau 5, x (0.2, 0.8).
  auto r = themis::solve_ipm({{1, 0, 1, 1}, {1, 0, 4, 1}}, 1);
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(0.2).margin(1e-6));
  CHECK(r.x[1] == Approx(0.8).margin(1e-6));
  CHECK(r.tau == Approx(5).epsilon(1e-6));
  // With a wait and a weight: rho_1 = (2 + 1/x_1) / 1, rho_2 = (0 + 2/x_2) / 2 = 1/x_2, N = 1:
  // x_1 + x_2 = 1 and 2 + 1/x_1 = 1/x_2 = tau, so 1/(tau - 2) + 1/tau = 1, tau^2 - 4 tau + 2 = 0,
  // tau = 2 + sqrt(2), x_1 = 1/sqrt(2), x_2 = 1/(2 + sqrt(2)).
  const double tau = 2 + std::sqrt(2.0);
  auto q = themis::solve_ipm({{1, 2, 1, 1}, {1, 0, 2, 2}}, 1);
  CHECK(q.converged);
  CHECK(q.tau == Approx(tau).epsilon(1e-6));
  CHECK(q.x[0] == Approx(1 / std::sqrt(2.0)).margin(1e-6));
  CHECK(q.x[1] == Approx(1 / tau).margin(1e-6));
}

TEST_CASE("themis ipm: with spare capacity it stops inside the optimal face", "[themis]") {
  // a = (1, 4), N = 2 (both jobs fit): tau* = max rho(1) = 4, job 2 needs x = 1, job 1 may take
  // any x in [1/4, 1]. An interior-point method ends strictly inside that interval.
  auto r = themis::solve_ipm({{1, 0, 1, 1}, {1, 0, 4, 1}}, 2);
  CHECK(r.converged);
  CHECK(r.tau == Approx(4).epsilon(1e-6));
  CHECK(r.x[1] == Approx(1).margin(1e-6));
  CHECK(r.x[0] > 0.25 + 1e-3);
  CHECK(r.x[0] < 1 - 1e-3);
}

TEST_CASE("themis ipm: the optimal value equals the exact solver's", "[themis]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 1 + trial % 40, cap = 8 + trial % 3 * 28;
    std::vector<FairnessJob> jobs;
    std::vector<muri::ThemisJob> lp;
    for (int i = 0; i < n; ++i) {
      const int g = 1 << static_cast<int>(u(rng) * 4);
      const double w = u(rng) * 1e5, a = 10 + u(rng) * 1e5, e = 10 + u(rng) * 1e5;
      jobs.push_back({g, w, a, e});
      lp.push_back({g, w, a, e});
    }
    auto r = themis::solve_ipm(jobs, cap);
    const auto x = muri::themis_shares(lp, cap, muri::ThemisOptimum::kMinimal);
    double tau = 0;
    for (int i = 0; i < n; ++i)
      tau = std::max(tau, (lp[i].waited_s + lp[i].remaining_work / x[i]) / lp[i].isolated);
    INFO("trial " << trial << " n " << n);
    // ECOS's tolerances (1e-8), or its reduced ones (gap 5e-5) where the last digits are lost.
    CHECK(r.converged);
    CHECK(r.tau == Approx(tau).epsilon(r.reduced_accuracy ? 5e-5 : 1e-6));
    double used = 0;
    for (int i = 0; i < n; ++i)
      used += jobs[i].gpus * r.x[i];
    CHECK(used <= cap * (1 + 1e-7));
  }
}

TEST_CASE("themis ipm: a capacity-bound instance agrees with ECOS", "[themis]") {
  // The optimum is unique, so any solver must land on ECOS's x (themis_ecos_instance.hpp).
  const auto jobs = ecos_instance_jobs<FairnessJob>();
  const auto& ecos = kEcosInstanceShares;
  const auto r = themis::solve_ipm(jobs, 8);
  CHECK(r.converged);
  for (std::size_t i = 0; i < jobs.size(); ++i)
    CHECK(r.x[i] == Approx(ecos[i]).margin(1e-6));
}
