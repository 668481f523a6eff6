// Random streams. Each component draws from its own stream, derived from (seed, run, stream
// name), so adding a draw in one component never shifts another's (ns-3's RngSeedManager idea).
// The generator (xoshiro256**) and every distribution here are our own code, so the numbers are
// the same with any standard library.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace clustersim {

class RngStream {
 public:
  RngStream(std::uint64_t seed, std::uint64_t run, std::string_view name);

  std::uint64_t next_u64();
  /// Uniform on [0, 1) with 53 random bits.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer on [lo, hi], unbiased (rejection sampling).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  /// Exponential with the given mean (inverse transform).
  double exponential(double mean);
  /// Standard normal via the Marsaglia polar method (the spare value is cached).
  double normal(double mean = 0.0, double stddev = 1.0);
  double lognormal(double mu, double sigma);
  /// Index i with probability weights[i] / sum(weights). Weights must be >= 0, sum > 0.
  std::size_t weighted_index(const std::vector<double>& weights);

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// 64-bit FNV-1a of a string, used to derive stream seeds from names.
std::uint64_t fnv1a64(std::string_view s);

}  // namespace clustersim
