// The finish-time-fairness program that Muri's `themis` baseline solves at every event (with
// cvxpy + ECOS in the original), solved here exactly without a general solver.
//
// Jobs i = 1..n with GPU demand g_i and a share x_i in [0, 1] of their demand:
//
//   rho_i(x_i) = (w_i + R_i * t_i / x_i) / E_i       (expected shared / isolated time)
//   minimise max_i rho_i(x_i)   s.t.   0 <= x_i <= 1,   sum_i g_i x_i <= N
//
// (w_i = time since submission, R_i = remaining iterations, t_i = isolated iteration time,
// E_i > 0 = the original's "expected isolated time", N = cluster GPUs). rho_i is decreasing, so
// with l_i(tau) = R_i t_i / (tau E_i - w_i) (the least share reaching rho_i <= tau) the optimum
// is tau* = the least tau >= max_i rho_i(1) with sum_i g_i l_i(tau) <= N:
//  * capacity binding (sum_i g_i l_i(max_i rho_i(1)) > N): tau* solves sum g_i l_i(tau) = N
//    (Newton's method, monotone from the left) and the optimum x_i = l_i(tau*) is unique;
//  * otherwise tau* = max_i rho_i(1); the jobs attaining it get x = 1 and every other job may
//    take any x_i in [l_i(tau*), 1] within the capacity: the optimum is NOT unique.
// For the non-unique case `ThemisOptimum` selects the point:
//  * kCenter (default): the analytic centre of the optimal face under the barrier of the cone
//    program cvxpy hands ECOS (linear rows 0 <= x <= 1, the capacity row and the epigraph rows
//    with weight 1; each inv_pos as a 3-dimensional second-order cone, weight 1/2 in ECOS's
//    central path), the limit of an interior-point method's central path. ECOS stops at a
//    relative gap of 1e-8 without centring the free directions, so the original's point is
//    near it but not it (docs/muri_baselines.md).
//    Eliminating the epigraph/cone variables leaves, with K_i = 1 / l_i(tau*) and
//    S = N - sum_j g_j x_j, the stationarity condition
//        1.5 K_i / (K_i x_i - 1) - 1 / (1 - x_i) = g_i / S     for every free job i,
//    a quadratic in x_i for fixed S; S is found by a bracketed root search.
//  * kMinimal: x_i = l_i(tau*), the least shares that reach the optimum.
// Jobs whose shares tie exactly here are ordered by the caller's tie rules, in the original by
// solver noise.
#pragma once

#include <vector>

namespace clustersim::muri {

enum class ThemisOptimum { kCenter, kMinimal };

struct ThemisJob {
  int gpus = 1;
  double waited_s = 0;        ///< w_i >= 0
  double remaining_work = 0;  ///< R_i * t_i > 0 (seconds at a full share)
  double isolated = 1;        ///< E_i > 0
};

/// Returns x (same order as `jobs`), each in (0, 1]. Requires n >= 1, every g_i <= total_gpus.
std::vector<double> themis_shares(const std::vector<ThemisJob>& jobs, int total_gpus,
                                  ThemisOptimum pick = ThemisOptimum::kCenter);

}  // namespace clustersim::muri
