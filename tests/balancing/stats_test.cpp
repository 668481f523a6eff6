// Streaming statistics (src/metrics/streaming_stats.cpp) against direct computation.
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "clustersim/core/rng.hpp"
#include "clustersim/metrics/streaming_stats.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim::test {

TEST_CASE("running moments", "[balancing][stats]") {
  RunningStats s;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
    s.add(x);
  CHECK(s.count() == 8);
  CHECK(s.mean() == Approx(5));
  CHECK(s.variance() == Approx(32.0 / 7));  // sum of squared deviations 32, n - 1 = 7
  CHECK(s.min() == 2);
  CHECK(s.max() == 9);
}

TEST_CASE("quantiles: exact, then within the sketch's relative error", "[balancing][stats]") {
  RngStream rng(7, 0, "q");
  std::vector<double> v;
  QuantileSketch exact(1u << 20), sketch(1000);
  for (int i = 0; i < 20000; ++i) {
    const double x = rng.lognormal(0, 2);
    v.push_back(x);
    exact.add(x);
    sketch.add(x);
  }
  CHECK(exact.exact());
  CHECK_FALSE(sketch.exact());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double truth = percentile_index(v, q);  // the artifacts' convention
    CHECK(exact.quantile(q) == truth);
    CHECK(std::abs(sketch.quantile(q) / truth - 1) <= 1e-3 + 1e-12);
  }
}

TEST_CASE("Student-t interval of a mean", "[balancing][stats]") {
  // Mean 3, sample sd sqrt(2.5), n = 5; t(0.975, 4) = 2.7764: half width 2.7764 sqrt(2.5 / 5).
  const auto ci = mean_interval({1, 2, 3, 4, 5}, 0.95);
  CHECK(ci.mean == Approx(3));
  CHECK(ci.half_width == Approx(2.7764 * std::sqrt(0.5)).epsilon(1e-4));
}

}  // namespace clustersim::test
