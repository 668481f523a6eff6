#include "training/muri/themis_lp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "clustersim/core/error.hpp"

namespace clustersim::muri {

namespace {

// The root in (1/K, 1) of 1.5K/(Kx - 1) - 1/(1 - x) = c (c >= 0): the smaller root of
// cK x^2 - (c(K + 1) + 2.5K) x + (1.5K + 1 + c) = 0, in the cancellation-free form.
double center_share(double k, double c) {
  const double a = c * k, b = c * (k + 1) + 2.5 * k, q = 1.5 * k + 1 + c;
  const double disc = std::max(b * b - 4 * a * q, 0.0);
  return 2 * q / (b + std::sqrt(disc));
}

// d/dx of the left-hand side above (negative).
double center_slope(double k, double x) {
  const double u = k * x - 1, v = 1 - x;
  return -1.5 * k * k / (u * u) - 1 / (v * v);
}

}  // namespace

// Over 80 lines: the exact min-max solve (tau bracket, slack, then the chosen optimum) shares
// its per-job bounds between the steps.
std::vector<double> themis_shares(const std::vector<ThemisJob>& jobs, int total_gpus,
                                  ThemisOptimum pick) {
  const std::size_t n = jobs.size();
  if (n == 0) return {};
  const double cap = total_gpus;
  std::vector<double> work(n), rho1(n);
  double tau_b = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& j = jobs[i];
    if (!(j.isolated > 0) || j.gpus < 1) throw InvariantError("themis_shares: bad job");
    work[i] = std::max(j.remaining_work, 1e-12);
    rho1[i] = (j.waited_s + work[i]) / j.isolated;
    tau_b = std::max(tau_b, rho1[i]);
  }
  auto least = [&](std::size_t i, double tau) {
    return work[i] / (tau * jobs[i].isolated - jobs[i].waited_s);
  };
  std::vector<double> x(n);
  double demand = 0;
  for (std::size_t i = 0; i < n; ++i)
    demand += jobs[i].gpus * (rho1[i] == tau_b ? 1.0 : least(i, tau_b));

  if (demand > cap) {
    // Capacity binding: f(tau) = sum g l(tau) - N is convex and decreasing, so Newton's method
    // from tau_b (f > 0) increases monotonically to the root.
    double tau = tau_b;
    for (int it = 0; it < 200; ++it) {
      double f = -cap, df = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double den = tau * jobs[i].isolated - jobs[i].waited_s;
        f += jobs[i].gpus * work[i] / den;
        df -= jobs[i].gpus * work[i] * jobs[i].isolated / (den * den);
      }
      const double next = tau - f / df;
      if (!(next > tau) || next - tau <= 1e-15 * tau) break;
      tau = next;
    }
    for (std::size_t i = 0; i < n; ++i)
      x[i] = std::min(1.0, least(i, tau));
    return x;
  }

  // Capacity slack: the jobs attaining tau_b need their whole demand; the others are free.
  double fixed = 0, floor_demand = 0;
  std::vector<double> k(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (rho1[i] == tau_b) {
      x[i] = 1;
      fixed += jobs[i].gpus;
    } else {
      x[i] = least(i, tau_b);
      k[i] = 1 / x[i];
      floor_demand += jobs[i].gpus * x[i];
    }
  }
  const double s_min = cap - fixed - floor_demand;
  if (pick == ThemisOptimum::kMinimal || !(s_min > 0)) return x;

  // Analytic centre: lambda = 1 / S with S = N - sum g x(lambda); phi(lambda) = lambda S - 1 is
  // increasing and S(lambda) <= S_min, so the root is >= 1/S_min: safeguarded Newton from
  // there (bisection inside [lo, hi] once a step leaves the bracket; hi unknown until phi > 0).
  auto eval = [&](double lambda, double& phi, double& dphi) {
    double s = cap - fixed, ds = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (k[i] == 0) continue;
      const double c = jobs[i].gpus * lambda;
      const double xi = center_share(k[i], c);
      x[i] = xi;
      s -= jobs[i].gpus * xi;
      ds -= jobs[i].gpus * jobs[i].gpus / center_slope(k[i], xi);
    }
    phi = lambda * s - 1;
    dphi = s + lambda * ds;
  };
  const double inf = std::numeric_limits<double>::infinity();
  double lo = 1 / s_min, hi = inf, lambda = lo;
  for (int it = 0; it < 200; ++it) {
    double phi = 0, dphi = 0;
    eval(lambda, phi, dphi);
    if (std::abs(phi) <= 1e-13) break;  // phi is relative: lambda * S = 1 at the root
    (phi < 0 ? lo : hi) = lambda;
    double next = lambda - phi / dphi;
    if (!(next > lo && next < hi)) next = hi == inf ? 2 * lo : std::sqrt(lo * hi);
    if (std::abs(next - lambda) <= 1e-15 * lambda || (hi < inf && hi - lo <= 1e-15 * hi)) {
      eval(next, phi, dphi);
      break;
    }
    lambda = next;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (k[i] != 0) x[i] = std::clamp(x[i], 1 / k[i], 1.0);
  }
  return x;
}

}  // namespace clustersim::muri
