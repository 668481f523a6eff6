// Statistics that need not keep every value (shared by the families that stream 10^7+ items):
// running moments, quantiles with bounded memory, and Student-t confidence intervals over
// replications.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace clustersim {

/// Count, mean, variance (Welford), min and max of a stream.
class RunningStats {
 public:
  void add(double x);
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  /// Sample variance (n - 1 denominator); 0 with fewer than two values.
  double variance() const;
  double min() const { return min_; }
  double max() const { return max_; }
  double sum() const { return mean_ * static_cast<double>(n_); }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Quantiles of non-negative values. Exact (the artifacts' convention, element int(q·n) of the
/// ascending values, as percentile_index in writers.hpp) while at most `exact_limit` values have
/// been added; beyond that the values move into logarithmic buckets (DDSketch, Masson et al.
/// VLDB 2019) and every quantile is within a relative error `relative_error` of the exact one.
/// Memory: exact_limit doubles, then O(log(max/min) / relative_error) counters.
class QuantileSketch {
 public:
  explicit QuantileSketch(std::size_t exact_limit = 1u << 20, double relative_error = 1e-3);
  void add(double x);
  std::uint64_t count() const { return n_; }
  bool exact() const { return buckets_.empty() && zeros_ == 0 && n_ == values_.size(); }
  /// q in [0, 1]; NaN when empty. Not const: the exact mode sorts lazily.
  double quantile(double q);

 private:
  std::size_t exact_limit_;
  double gamma_, log_gamma_;
  std::uint64_t n_ = 0, zeros_ = 0;
  std::vector<double> values_;
  bool sorted_ = true;
  std::vector<std::uint64_t> buckets_;  ///< counts for indices offset_, offset_ + 1, ...
  int offset_ = 0;
  void to_buckets();
  void add_bucket(double x);
};

/// Two-sided Student-t confidence interval of the mean of independent replications.
struct MeanInterval {
  double mean = 0, half_width = 0;
  double lo() const { return mean - half_width; }
  double hi() const { return mean + half_width; }
  bool contains(double x) const { return x >= lo() && x <= hi(); }
};
/// `level` e.g. 0.95; needs at least two values.
MeanInterval mean_interval(const std::vector<double>& values, double level);

}  // namespace clustersim
