#include "clustersim/metrics/streaming_stats.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>

#include "clustersim/core/error.hpp"

namespace clustersim {

void RunningStats::add(double x) {
  ++n_;
  const double d = x - mean_;
  mean_ += d / static_cast<double>(n_);
  m2_ += d * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

double RunningStats::variance() const {
  return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0;
}

QuantileSketch::QuantileSketch(std::size_t exact_limit, double relative_error)
    : exact_limit_(exact_limit),
      gamma_((1 + relative_error) / (1 - relative_error)),
      log_gamma_(std::log(gamma_)) {
  if (!(relative_error > 0 && relative_error < 1))
    throw InvariantError("QuantileSketch: relative error must be in (0, 1)");
}

void QuantileSketch::add(double x) {
  if (!(x >= 0) || !std::isfinite(x)) throw InvariantError("QuantileSketch: value must be >= 0");
  ++n_;
  if (buckets_.empty() && zeros_ == 0 && values_.size() < exact_limit_) {
    values_.push_back(x);
    sorted_ = false;
    return;
  }
  if (!values_.empty()) to_buckets();
  add_bucket(x);
}

void QuantileSketch::to_buckets() {
  for (double v : values_)
    add_bucket(v);
  values_.clear();
  values_.shrink_to_fit();
}

// Bucket i holds (gamma^(i-1), gamma^i]; values below 1e-12 count as zeros.
void QuantileSketch::add_bucket(double x) {
  if (x < 1e-12) {
    ++zeros_;
    return;
  }
  const int i = static_cast<int>(std::ceil(std::log(x) / log_gamma_));
  if (buckets_.empty()) {
    offset_ = i;
    buckets_.push_back(0);
  } else if (i < offset_) {
    buckets_.insert(buckets_.begin(), static_cast<std::size_t>(offset_ - i), 0);
    offset_ = i;
  } else if (i >= offset_ + static_cast<int>(buckets_.size())) {
    buckets_.resize(static_cast<std::size_t>(i - offset_ + 1), 0);
  }
  ++buckets_[static_cast<std::size_t>(i - offset_)];
}

double QuantileSketch::quantile(double q) {
  if (n_ == 0) return std::nan("");
  q = std::clamp(q, 0.0, 1.0);
  const std::uint64_t rank =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(q * static_cast<double>(n_)), n_ - 1);
  if (exact()) {
    if (!sorted_) {
      std::sort(values_.begin(), values_.end());
      sorted_ = true;
    }
    return values_[rank];
  }
  if (rank < zeros_) return 0.0;
  std::uint64_t seen = zeros_;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen > rank) {
      const int i = offset_ + static_cast<int>(b);
      return 2 * std::pow(gamma_, i) / (gamma_ + 1);
    }
  }
  return std::nan("");
}

MeanInterval mean_interval(const std::vector<double>& values, double level) {
  if (values.size() < 2) throw InvariantError("mean_interval needs two values or more");
  RunningStats s;
  for (double v : values)
    s.add(v);
  const double n = static_cast<double>(values.size());
  boost::math::students_t t(n - 1);
  const double tq = boost::math::quantile(t, 0.5 + level / 2);
  return {s.mean(), tq * std::sqrt(s.variance() / n)};
}

}  // namespace clustersim
