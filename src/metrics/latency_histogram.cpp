#include "clustersim/metrics/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace clustersim {
namespace {
constexpr int kLinearBits = 11;  // values below 2^11 are exact
constexpr int kSubBits = 10;     // 2^10 buckets per power of two above
constexpr std::int64_t kLinear = std::int64_t{1} << kLinearBits;
}  // namespace

std::size_t LatencyHistogram::bucket_of(std::int64_t v) {
  if (v < kLinear) return static_cast<std::size_t>(std::max<std::int64_t>(v, 0));
  const int k = 63 - std::countl_zero(static_cast<std::uint64_t>(v));  // 2^k <= v < 2^(k+1)
  const std::int64_t sub = (v >> (k - kSubBits)) - (std::int64_t{1} << kSubBits);
  return static_cast<std::size_t>(kLinear + (k - kLinearBits) * (std::int64_t{1} << kSubBits) +
                                  sub);
}

std::int64_t LatencyHistogram::bucket_top(std::size_t b) {
  if (b < static_cast<std::size_t>(kLinear)) return static_cast<std::int64_t>(b);
  const std::int64_t rest = static_cast<std::int64_t>(b) - kLinear;
  const int k = kLinearBits + static_cast<int>(rest >> kSubBits);
  const std::int64_t sub = rest & ((std::int64_t{1} << kSubBits) - 1);
  return (((std::int64_t{1} << kSubBits) + sub + 1) << (k - kSubBits)) - 1;
}

void LatencyHistogram::add(std::int64_t v) {
  v = std::max<std::int64_t>(v, 0);
  const std::size_t b = bucket_of(v);
  if (b >= counts_.size()) counts_.resize(b + 1, 0);
  ++counts_[b];
  if (count_ == 0 || v < min_) min_ = v;
  if (count_ == 0 || v > max_) max_ = v;
  ++count_;
  sum_ += static_cast<double>(v);
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  if (o.count_ == 0) return;
  if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size(), 0);
  for (std::size_t i = 0; i < o.counts_.size(); ++i)
    counts_[i] += o.counts_[i];
  min_ = count_ ? std::min(min_, o.min_) : o.min_;
  max_ = count_ ? std::max(max_, o.max_) : o.max_;
  count_ += o.count_;
  sum_ += o.sum_;
}

std::int64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const double x = std::floor(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_));
  const std::uint64_t index = std::min<std::uint64_t>(static_cast<std::uint64_t>(x), count_ - 1);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    seen += counts_[b];
    if (seen > index) return std::min(bucket_top(b), max_);
  }
  return max_;
}

}  // namespace clustersim
