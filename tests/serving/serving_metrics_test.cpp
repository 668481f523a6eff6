// Shared statistics used by the serving metrics: the streaming latency histogram and the
// per-bucket series; and the serving metrics' definitions on a hand-made request set.
#include <catch2/catch.hpp>

#include "clustersim/metrics/bucket_series.hpp"
#include "clustersim/metrics/latency_histogram.hpp"
#include "clustersim/metrics/serving_metrics.hpp"

namespace clustersim {
namespace {

TEST_CASE("latency histogram: exact below 2048, 1/1024 relative above", "[serving][metrics]") {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v)
    h.add(v);
  // Element int(q n) of 1..100 (0-based): q = 0.5 -> element 50 = 51; 0.99 -> 100.
  CHECK(h.quantile(0.5) == 51);
  CHECK(h.quantile(0.99) == 100);
  CHECK(h.quantile(0.0) == 1);
  CHECK(h.quantile(1.0) == 100);
  CHECK(h.mean() == Approx(50.5));
  CHECK(h.max() == 100);
  CHECK(h.count() == 100);

  // Above 2048 the bucket of v spans 2^(k-10) values for 2^k <= v < 2^(k+1).
  CHECK(LatencyHistogram::bucket_of(2047) == 2047);
  CHECK(LatencyHistogram::bucket_of(2048) == 2048);
  CHECK(LatencyHistogram::bucket_of(2049) == 2048);  // width 2 from 2048
  CHECK(LatencyHistogram::bucket_top(2048) == 2049);
  CHECK(LatencyHistogram::bucket_of(4096) == 2048 + 1024);  // width 4 from 4096
  CHECK(LatencyHistogram::bucket_top(2048 + 1024) == 4099);
  for (std::int64_t v : {3000LL, 95000LL, 123456789LL, (1LL << 40) + 12345}) {
    const std::int64_t top = LatencyHistogram::bucket_top(LatencyHistogram::bucket_of(v));
    CHECK(top >= v);
    CHECK(static_cast<double>(top - v) <= static_cast<double>(v) / 1024.0);
  }
}

TEST_CASE("latency histogram: p99.9999 of 10^7 samples", "[serving][metrics]") {
  LatencyHistogram h;
  // 10^7 samples: all 1000 except the 10 largest, 5000..5009 (us).
  for (int i = 0; i < 10'000'000 - 10; ++i)
    h.add(1000);
  for (int i = 0; i < 10; ++i)
    h.add(5000 + i);
  // Element int(0.999999 x 10^7) = 9 999 990: the first of the ten large values, 5000, whose
  // bucket (width 4 from 4096) tops at 5003; element 9 999 989 is 1000.
  CHECK(h.quantile(0.999999) == 5003);
  CHECK(h.quantile(0.99999) == 1000);
  CHECK(h.max() == 5009);
}

TEST_CASE("bucket series: sums and maxima per bucket", "[serving][metrics]") {
  BucketSeries s(kSecond, {{"n", BucketSeries::Kind::kSum}, {"max", BucketSeries::Kind::kMax}});
  s.add(0, 0);
  s.add(0, 999'999);
  s.add(0, 2 * kSecond, 3);
  s.add(1, 500'000, 7);
  s.add(1, 600'000, 4);
  REQUIRE(s.buckets() == 3);
  CHECK(s.at(0, 0) == 2);
  CHECK(s.at(1, 0) == 0);
  CHECK(s.at(2, 0) == 3);
  CHECK(s.at(0, 1) == 7);
}

TEST_CASE("serving metrics: goodput, late, dropped and the peak bucket", "[serving][metrics]") {
  ServingMetricsConfig c;
  c.bucket_width = 10 * kSecond;
  c.peak_exclude_last = 1;
  ServingMetrics m(c);
  auto answer = [&](SimTime arrival, SimTime departure, RequestOutcome o, int batch) {
    m.on_arrival(arrival);
    RequestRecord r;
    r.arrival = arrival;
    r.departure = departure;
    r.slo = 100 * kMillisecond;
    r.outcome = o;
    r.batch = batch;
    m.on_answer(r);
  };
  // Bucket 0: 3 good; bucket 1: 1 good, 1 late (150 ms), 1 timeout; bucket 2 (the last, left
  // out of the peak): 5 good.
  for (int i = 0; i < 3; ++i)
    answer(kSecond, kSecond + 10 * kMillisecond, RequestOutcome::kOk, 1);
  answer(11 * kSecond, 11 * kSecond + 50'000, RequestOutcome::kOk, 1);
  answer(12 * kSecond, 12 * kSecond + 150'000, RequestOutcome::kOk, 1);
  answer(13 * kSecond, 13 * kSecond + 95'000, RequestOutcome::kTimeout, 0);
  for (int i = 0; i < 5; ++i)
    answer(21 * kSecond, 21 * kSecond + 1000, RequestOutcome::kOk, 1);
  m.on_infer(0, 4, true);
  m.on_infer(0, 2, true);
  m.on_infer(0, 8, false);  // failed INFERs do not count
  RunOutput out;
  m.collect(30 * kSecond, out);
  const auto& s = out.summary;
  CHECK(s["requests"] == 11);
  CHECK(s["goodput"] == 9);
  CHECK(s["late"] == 1);
  CHECK(s["dropped"] == 1);
  CHECK(s["peak_goodput_rps"].get<double>() == Approx(0.3));  // 3 in bucket 0 of 10 s
  CHECK(s["mean_goodput_rps"].get<double>() == Approx(9.0 / 30));
  CHECK(s["slo_attainment"].get<double>() == Approx(9.0 / 11));
  CHECK(s["mean_batch"].get<double>() == Approx((16.0 + 4) / 6));  // sum b^2 / sum b
  CHECK(s["latency_max_ms"].get<double>() == Approx(150));
}

}  // namespace
}  // namespace clustersim
