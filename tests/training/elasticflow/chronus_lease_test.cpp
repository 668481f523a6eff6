// The Chronus lease MIP solvers (src/training/elasticflow/chronus_lease.*): hand-computed optima
// where the greedy local improvement is suboptimal, and the exact solver against brute-force
// enumeration of every plan on small random instances.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "training/elasticflow/chronus_lease.hpp"

using namespace clustersim::chronus;

namespace {

std::vector<std::int64_t> free_of(const std::vector<LeaseDemand>& ds, int cap,
                                  const LeaseBits& bits) {
  std::int64_t M = 1;
  for (const auto& d : ds)
    M = std::max(M, d.m);
  std::vector<std::int64_t> f(M, cap);
  for (std::size_t i = 0; i < ds.size(); ++i)
    for (std::int64_t t = 0; t < ds[i].m; ++t)
      f[t] -= bits[i][t] * ds[i].g;
  return f;
}

// Optimal lease-0 load by enumerating every plan (each demand: every r-subset of [0, m)).
// Returns -1 when no plan exists.
std::int64_t brute_force(const std::vector<LeaseDemand>& ds, int cap, LeaseObjective obj) {
  std::int64_t M = 1;
  for (const auto& d : ds)
    M = std::max(M, d.m);
  std::vector<std::int64_t> load(M, 0);
  std::int64_t best = -1;
  std::function<void(std::size_t, std::int64_t)> rec = [&](std::size_t i, std::int64_t l0) {
    if (i == ds.size()) {
      if (best < 0 || (obj == LeaseObjective::kMaximize ? l0 > best : l0 < best)) best = l0;
      return;
    }
    const auto& d = ds[i];
    for (std::uint32_t mask = 0; mask < (1u << d.m); ++mask) {
      if (__builtin_popcount(mask) != d.r) continue;
      bool ok = true;
      for (std::int64_t t = 0; t < d.m && ok; ++t)
        if ((mask >> t) & 1) ok = load[t] + d.g <= cap;
      if (!ok) continue;
      for (std::int64_t t = 0; t < d.m; ++t)
        if ((mask >> t) & 1) load[t] += d.g;
      rec(i + 1, l0 + ((mask & 1) ? d.g : 0));
      for (std::int64_t t = 0; t < d.m; ++t)
        if ((mask >> t) & 1) load[t] -= d.g;
    }
  };
  rec(0, 0);
  return best;
}

}  // namespace

TEST_CASE("chronus lease MIP: minimise where the greedy cannot rearrange", "[chronus]") {
  // 4 GPUs per lease. A and D: 2 GPUs, 1 lease within leases {0, 1}; B: 2 GPUs, 1 lease within
  // {0, 1, 2}. Given plan: A in lease 0, B and D in lease 1 (lease 1 full, lease 2 empty).
  // Greedy "minimise" only moves a lease-0 bit to a later lease with room: A's only other
  // lease (1) is full, so lease 0 keeps 2 GPUs. Optimum 0: B moves to lease 2, then A and D
  // share lease 1 (2 + 2 = 4). No plan can do better than 0 GPUs.
  const std::vector<LeaseDemand> ds = {{2, 1, 2}, {2, 1, 3}, {2, 1, 2}};
  const LeaseBits given = {{1, 0}, {0, 1, 0}, {0, 1}};
  REQUIRE(lease_plan_valid(ds, 4, given));
  LeaseBits greedy = given;
  auto f = free_of(ds, 4, greedy);
  greedy_lease_plan(ds, LeaseObjective::kMinimize, greedy, f);
  CHECK(lease0_load(ds, greedy) == 2);
  LeaseBits w0 = given;
  const auto r = solve_lease_plan(ds, 4, LeaseObjective::kMinimize, &w0, 100000);
  REQUIRE(r.feasible);
  CHECK(r.proven);
  CHECK(r.searched);
  CHECK(r.lease0 == 0);
  CHECK(lease_plan_valid(ds, 4, r.bits));
  CHECK(lease0_load(ds, r.bits) == 0);
  CHECK(brute_force(ds, 4, LeaseObjective::kMinimize) == 0);
}

TEST_CASE("chronus lease MIP: maximise where the greedy cannot swap", "[chronus]") {
  // 4 GPUs per lease. A: 4 GPUs, 1 lease within {0, 1}, planned in lease 1; B: 2 GPUs,
  // 1 lease within {0, 1}, planned in lease 0. Greedy "maximise" only pulls a job's latest
  // lease into lease 0 if it fits next to what is there: A (4) does not fit next to B (2), so
  // lease 0 keeps 2 GPUs. Optimum 4 (the capacity): A in lease 0, B in lease 1.
  const std::vector<LeaseDemand> ds = {{4, 1, 2}, {2, 1, 2}};
  const LeaseBits given = {{0, 1}, {1, 0}};
  REQUIRE(lease_plan_valid(ds, 4, given));
  LeaseBits greedy = given;
  auto f = free_of(ds, 4, greedy);
  greedy_lease_plan(ds, LeaseObjective::kMaximize, greedy, f);
  CHECK(lease0_load(ds, greedy) == 2);
  LeaseBits w0 = given;
  const auto r = solve_lease_plan(ds, 4, LeaseObjective::kMaximize, &w0, 100000);
  REQUIRE(r.feasible);
  CHECK(r.proven);
  CHECK(r.lease0 == 4);
  CHECK(lease_plan_valid(ds, 4, r.bits));
  CHECK(r.bits[0] == std::vector<char>{1, 0});
  CHECK(r.bits[1] == std::vector<char>{0, 1});
}

TEST_CASE("chronus lease MIP: infeasible although the work fits", "[chronus]") {
  // 4 GPUs per lease, leases {0, 1}: A 2 GPUs in lease 0 only; B 4 GPUs once; C 1 GPU in both
  // leases. Work 2 + 4 + 2 = 8 = capacity, but B needs a lease with nothing else and C is in
  // both leases: no plan exists.
  const std::vector<LeaseDemand> ds = {{2, 1, 1}, {4, 1, 2}, {1, 2, 2}};
  for (auto obj : {LeaseObjective::kMaximize, LeaseObjective::kMinimize}) {
    const auto r = solve_lease_plan(ds, 4, obj, nullptr, 100000);
    CHECK_FALSE(r.feasible);
    CHECK(r.proven);
    CHECK(brute_force(ds, 4, obj) == -1);
  }
}

TEST_CASE("chronus lease MIP: exact solver equals brute force on random instances", "[chronus]") {
  std::mt19937 rng(12345);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int searched = 0, feasible = 0;
  for (int it = 0; it < 600; ++it) {
    const int cap = uni(0, 1) ? 4 : 8;
    const int n = uni(1, 5);
    std::vector<LeaseDemand> ds;
    for (int i = 0; i < n; ++i) {
      LeaseDemand d;
      d.g = 1 << uni(0, cap == 4 ? 2 : 3);
      d.m = uni(1, 5);
      d.r = uni(1, static_cast<int>(d.m));
      ds.push_back(d);
    }
    for (auto obj : {LeaseObjective::kMaximize, LeaseObjective::kMinimize}) {
      const auto want = brute_force(ds, cap, obj);
      const auto r = solve_lease_plan(ds, cap, obj, nullptr, 1000000);
      INFO("instance " << it << " obj " << static_cast<int>(obj));
      REQUIRE(r.proven);
      REQUIRE(r.feasible == (want >= 0));
      if (!r.feasible) continue;
      ++feasible;
      searched += r.searched;
      CHECK(r.lease0 == want);
      CHECK(lease_plan_valid(ds, cap, r.bits));
      CHECK(lease0_load(ds, r.bits) == want);
      // Started from a feasible plan (the greedy's), it must reach the same optimum.
      LeaseBits w = r.bits;
      auto f = free_of(ds, cap, w);
      greedy_lease_plan(
          ds,
          obj == LeaseObjective::kMaximize ? LeaseObjective::kMinimize : LeaseObjective::kMaximize,
          w, f);
      LeaseBits w2 = w;
      const auto r2 = solve_lease_plan(ds, cap, obj, &w2, 1000000);
      CHECK(r2.lease0 == want);
      CHECK(lease_plan_valid(ds, cap, r2.bits));
      // The earliest completion keeps the optimal lease-0 set and stays feasible.
      const auto r3 = solve_lease_plan(ds, cap, obj, &w, 1000000, LeaseCompletion::kEarliest);
      CHECK(lease_plan_valid(ds, cap, r3.bits));
      CHECK(lease0_load(ds, r3.bits) == want);
      for (std::size_t i = 0; i < ds.size(); ++i)
        CHECK(r3.bits[i][0] == r2.bits[i][0]);
    }
  }
  CHECK(feasible > 300);
  CHECK(searched > 50);
}
