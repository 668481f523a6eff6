// Per-bucket time series (per second, per minute, ...): named columns of sums or maxima over
// fixed-width buckets of simulated time starting at 0, grown on demand. Written as CSV with the
// bucket's start time first.
#pragma once

#include <string>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim {

class BucketSeries {
 public:
  enum class Kind { kSum, kMax };
  struct Column {
    std::string name;
    Kind kind = Kind::kSum;
  };

  BucketSeries(SimTime width, std::vector<Column> columns);

  /// Adds `value` to (kSum) or raises to `value` (kMax) column `c` of the bucket holding t >= 0.
  void add(std::size_t c, SimTime t, double value = 1.0) {
    double& cell = cell_at(c, t);
    if (columns_[c].kind == Kind::kSum)
      cell += value;
    else if (value > cell)
      cell = value;
  }
  /// The cells of the bucket holding t >= 0, one per column (valid until the next extension).
  double* row(SimTime t) { return &cell_at(0, t); }
  SimTime width() const { return width_; }
  std::size_t buckets() const { return data_.size() / columns_.size(); }
  /// Makes the series at least `n` buckets long (so empty trailing buckets are written).
  void extend(std::size_t n);
  double at(std::size_t bucket, std::size_t c) const { return data_[bucket * columns_.size() + c]; }
  const std::vector<Column>& columns() const { return columns_; }

 private:
  SimTime width_;
  std::vector<Column> columns_;
  std::vector<double> data_;  // bucket-major
  double& cell_at(std::size_t c, SimTime t) {
    const std::size_t b = static_cast<std::size_t>(t < 0 ? 0 : t / width_);
    if (b >= buckets()) extend(b + 1);
    return data_[b * columns_.size() + c];
  }
};

}  // namespace clustersim
