#include "clustersim/metrics/serving_metrics.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim {
namespace {

enum Col : std::size_t {
  kOffered,
  kAnswered,
  kGood,
  kLate,
  kDropped,
  kErrors,
  kCold,
  kInfers,
  kBatchSum,
  kBatchSq,
  kLoads,
  kLatencySum,
  kLatencyMax,
  kColumns
};

std::vector<BucketSeries::Column> columns() {
  using K = BucketSeries::Kind;
  return {{"offered", K::kSum},     {"answered", K::kSum}, {"goodput", K::kSum},
          {"late", K::kSum},        {"dropped", K::kSum},  {"errors", K::kSum},
          {"cold_starts", K::kSum}, {"infers", K::kSum},   {"batch_sum", K::kSum},
          {"batch_sq", K::kSum},    {"loads", K::kSum},    {"latency_sum", K::kSum},
          {"latency_max", K::kMax}};
}

const char* outcome_name(RequestOutcome o) {
  switch (o) {
    case RequestOutcome::kOk:
      return "ok";
    case RequestOutcome::kTimeout:
      return "timeout";
    case RequestOutcome::kError:
      return "error";
    case RequestOutcome::kUnanswered:
      return "unanswered";
  }
  return "?";
}

void append_int(std::string& s, std::int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, p);
}

// One CSV (series.csv or minutes.csv): rates per second of the bucket width.
std::string series_csv(const BucketSeries& s, std::size_t rows) {
  const double w = to_seconds(s.width());
  std::string out =
      "time_s,offered_rps,answered_rps,goodput_rps,late_rps,dropped_rps,errors_rps,"
      "cold_starts_rps,infers_rps,mean_batch,loads_rps,latency_mean_ms,latency_max_ms\n";
  for (std::size_t b = 0; b < rows; ++b) {
    auto v = [&](std::size_t c) { return b < s.buckets() ? s.at(b, c) : 0.0; };
    const double batch = v(kBatchSum) > 0 ? v(kBatchSq) / v(kBatchSum) : 0.0;
    const double lat = v(kAnswered) > 0 ? v(kLatencySum) / v(kAnswered) / 1000.0 : 0.0;
    out += fmt::format(
        "{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
        "{:.6g},{:.6g}\n",
        format_seconds(static_cast<SimTime>(b) * s.width()), v(kOffered) / w, v(kAnswered) / w,
        v(kGood) / w, v(kLate) / w, v(kDropped) / w, v(kErrors) / w, v(kCold) / w, v(kInfers) / w,
        batch, v(kLoads) / w, lat, v(kLatencyMax) / 1000.0);
  }
  return out;
}

}  // namespace

ServingMetrics::ServingMetrics(ServingMetricsConfig config)
    : config_(config),
      seconds_(config.series_width, columns()),
      minutes_(config.bucket_width, columns()) {}

const char* ServingMetrics::requests_header() {
  return "request,model,zoo_model,arrival_us,departure_us,latency_us,status,deadline_met,batch,"
         "gpu,cold_start";
}

void ServingMetrics::add_all(SimTime t, std::size_t c, double v) {
  seconds_.add(c, t, v);
  minutes_.add(c, t, v);
}

void ServingMetrics::on_arrival(SimTime t) {
  ++requests_;
  seconds_.row(t)[kOffered] += 1;
  minutes_.row(t)[kOffered] += 1;
}

void ServingMetrics::on_answer(const RequestRecord& r) {
  const SimTime t = r.departure;
  const SimTime latency = r.departure - r.arrival;
  const bool in_time = latency <= r.slo;
  ++answered_;
  latency_.add(latency);
  std::size_t column = kColumns;
  switch (r.outcome) {
    case RequestOutcome::kOk:
      column = in_time ? kGood : kLate;
      ++(in_time ? good_ : late_);
      cold_ += r.cold_start;
      break;
    case RequestOutcome::kTimeout:
      column = kDropped;
      ++dropped_;
      break;
    case RequestOutcome::kError:
      column = kErrors;
      ++errors_;
      break;
    case RequestOutcome::kUnanswered:
      throw InvariantError("on_answer with an unanswered request");
  }
  const auto lat = static_cast<double>(latency);
  for (double* row : {seconds_.row(t), minutes_.row(t)}) {
    row[kAnswered] += 1;
    row[kLatencySum] += lat;
    row[kLatencyMax] = std::max(row[kLatencyMax], lat);
    row[column] += 1;
    if (r.outcome == RequestOutcome::kOk && r.cold_start) row[kCold] += 1;
  }
  if (requests_csv_) {
    line_.clear();
    append_int(line_, static_cast<std::int64_t>(r.id));
    line_ += ',';
    append_int(line_, r.model);
    line_ += ',';
    append_int(line_, r.zoo_model);
    line_ += ',';
    append_int(line_, r.arrival);
    line_ += ',';
    append_int(line_, r.departure);
    line_ += ',';
    append_int(line_, latency);
    line_ += ',';
    line_ += outcome_name(r.outcome);
    line_ += r.outcome == RequestOutcome::kOk && in_time ? ",1," : ",0,";
    append_int(line_, r.batch);
    line_ += ',';
    append_int(line_, r.gpu);
    line_ += r.cold_start ? ",1" : ",0";
    requests_csv_->row(line_);
  }
}

void ServingMetrics::on_unanswered(const RequestRecord& r) {
  ++unanswered_;
  if (requests_csv_) {
    line_.clear();
    append_int(line_, static_cast<std::int64_t>(r.id));
    line_ += ',';
    append_int(line_, r.model);
    line_ += ',';
    append_int(line_, r.zoo_model);
    line_ += ',';
    append_int(line_, r.arrival);
    line_ += ",,,unanswered,0,0,-1,0";
    requests_csv_->row(line_);
  }
}

void ServingMetrics::on_infer(SimTime t, int batch, bool ok) {
  if (!ok) return;
  ++infers_;
  batch_sum_ += batch;
  batch_sq_ += static_cast<double>(batch) * batch;
  add_all(t, kInfers, 1);
  add_all(t, kBatchSum, batch);
  add_all(t, kBatchSq, static_cast<double>(batch) * batch);
}

void ServingMetrics::on_load(SimTime t, bool ok) {
  if (!ok) {
    ++load_errors_;
    return;
  }
  ++loads_;
  add_all(t, kLoads, 1);
}

void ServingMetrics::on_evict(SimTime) {
  ++evictions_;
}

void ServingMetrics::collect(SimTime workload_end, RunOutput& out) const {
  using nlohmann::json;
  auto peak = [&](std::size_t c) {
    // Buckets that start before the workload's end, without the last peak_exclude_last.
    const SimTime w = minutes_.width();
    std::size_t n = static_cast<std::size_t>((workload_end + w - 1) / w);
    n = n > static_cast<std::size_t>(config_.peak_exclude_last)
            ? n - static_cast<std::size_t>(config_.peak_exclude_last)
            : std::min<std::size_t>(n, 1);
    double best = 0;
    for (std::size_t b = 0; b < n && b < minutes_.buckets(); ++b)
      best = std::max(best, minutes_.at(b, c));
    return best / to_seconds(w);
  };
  const double span = workload_end > 0 ? to_seconds(workload_end) : 1.0;
  auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
  out.add_metric("requests", requests_);
  out.add_metric("answered", answered_);
  out.add_metric("unanswered", unanswered_);
  out.add_metric("goodput", good_);
  out.add_metric("mean_goodput_rps", static_cast<double>(good_) / span);
  out.add_metric("peak_goodput_rps", peak(kGood));
  out.add_metric("offered_mean_rps", static_cast<double>(requests_) / span);
  out.add_metric("offered_peak_rps", peak(kOffered));
  out.add_metric("throughput_mean_rps", static_cast<double>(answered_) / span);
  out.add_metric("throughput_peak_rps", peak(kAnswered));
  out.add_metric("slo_attainment",
                 requests_ ? json(static_cast<double>(good_) / static_cast<double>(requests_))
                           : json(nullptr));
  out.add_metric("dropped", dropped_);
  out.add_metric("late", late_);
  out.add_metric("errors", errors_);
  out.add_metric("cold_starts", cold_);
  out.add_metric("infers", infers_);
  out.add_metric("mean_batch", batch_sum_ > 0 ? json(batch_sq_ / batch_sum_) : json(nullptr));
  out.add_metric("loads", loads_);
  out.add_metric("load_errors", load_errors_);
  out.add_metric("evictions", evictions_);
  const bool any = latency_.count() > 0;
  auto q = [&](double x) { return any ? json(ms(latency_.quantile(x))) : json(nullptr); };
  out.add_metric("latency_mean_ms", any ? json(latency_.mean() / 1000.0) : json(nullptr));
  out.add_metric("latency_p50_ms", q(0.5));
  out.add_metric("latency_p99_ms", q(0.99));
  out.add_metric("latency_p999_ms", q(0.999));
  out.add_metric("latency_p9999_ms", q(0.9999));
  out.add_metric("latency_p999999_ms", q(0.999999));
  out.add_metric("latency_max_ms", any ? json(ms(latency_.max())) : json(nullptr));
  const auto rows = [&](const BucketSeries& s) {
    const std::size_t span_rows =
        static_cast<std::size_t>((workload_end + s.width() - 1) / s.width());
    return std::max(span_rows, s.buckets());
  };
  out.add_file("series.csv", series_csv(seconds_, rows(seconds_)));
  out.add_file("minutes.csv", series_csv(minutes_, rows(minutes_)));
}

}  // namespace clustersim
