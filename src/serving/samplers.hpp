// Poisson and gamma variates on a RngStream (our own code, so every platform draws the same
// numbers). Private to the serving module.
#pragma once

#include <cmath>
#include <cstdint>

#include "clustersim/core/rng.hpp"

namespace clustersim::serving {

/// Poisson(lambda): multiplication for lambda < 10, otherwise Hörmann's PTRS (transformed
/// rejection with squeeze, 1993).
inline std::uint64_t poisson_sample(RngStream& rng, double lambda) {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const double limit = std::exp(-lambda);
    std::uint64_t k = 0;
    double p = rng.uniform();
    while (p > limit) {
      ++k;
      p *= rng.uniform();
    }
    return k;
  }
  const double slam = std::sqrt(lambda);
  const double loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lambda + k * loglam - std::lgamma(k + 1))
      return static_cast<std::uint64_t>(k);
  }
}

/// Gamma(shape, scale 1): Marsaglia and Tsang (2000); shape < 1 by the U^(1/shape) boost.
inline double gamma_sample(RngStream& rng, double shape) {
  if (shape < 1) {
    const double u = rng.uniform();
    return gamma_sample(rng, shape + 1) * std::pow(u > 0 ? u : 1e-300, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    const double x = rng.normal();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u > 0 ? u : 1e-300) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

}  // namespace clustersim::serving
