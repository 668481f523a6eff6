// A streaming histogram of non-negative integer values (latencies in microseconds), after HDR
// histograms: exact below 2048, then 1024 buckets per power of two (relative error < 1/1024),
// so 10^8 samples up to 2^62 take at most 450 kB and a quantile is one pass over the counts.
#pragma once

#include <cstdint>
#include <vector>

namespace clustersim {

class LatencyHistogram {
 public:
  void add(std::int64_t value);  ///< value >= 0 (negative values count as 0)
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  /// The project's percentile convention (writers.hpp): element int(q n) of the ascending
  /// samples (0-based, capped at n-1), reported as the largest value of its bucket (exact below
  /// 2048, at most 1/1024 above the sample otherwise) and never above max(). 0 when empty.
  std::int64_t quantile(double q) const;

  /// Bucket of a value and the largest value a bucket holds (exposed for tests).
  static std::size_t bucket_of(std::int64_t value);
  static std::int64_t bucket_top(std::size_t bucket);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0, max_ = 0;
  double sum_ = 0;
};

}  // namespace clustersim
