#include "clustersim/metrics/bucket_series.hpp"

#include "clustersim/core/error.hpp"

namespace clustersim {

BucketSeries::BucketSeries(SimTime width, std::vector<Column> columns)
    : width_(width), columns_(std::move(columns)) {
  if (width_ <= 0 || columns_.empty()) throw InvariantError("BucketSeries: bad width or columns");
}

void BucketSeries::extend(std::size_t n) {
  if (n > buckets()) data_.resize(n * columns_.size(), 0.0);
}

}  // namespace clustersim
