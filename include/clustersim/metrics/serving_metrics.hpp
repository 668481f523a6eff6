// Metrics of a serving run (Clockwork's request and action telemetry, research/clockwork.md 3):
//   summary.json  requests, answered, unanswered, goodput, mean_goodput_rps, peak_goodput_rps,
//                 offered_mean_rps, offered_peak_rps, throughput_mean_rps, throughput_peak_rps,
//                 slo_attainment, dropped, late, errors, cold_starts, infers, mean_batch,
//                 loads, load_errors, evictions, latency_{mean,p50,p99,p999,p9999,p999999,max}_ms
//   series.csv    one row per second: time_s,offered,answered,goodput,late,dropped,errors,
//                 cold_starts,infers,mean_batch,loads,latency_mean_ms,latency_max_ms
//   minutes.csv   the same per minute (the Fig. 11 buckets)
//   requests.csv  on request, streamed: request,model,zoo_model,arrival_us,departure_us,
//                 latency_us,status,deadline_met,batch,gpu,cold_start
// Definitions (the artifact's process.py): goodput = answered successfully within the SLO;
// throughput = answered in any way (the artifact plots it as "offered load"); offered = arrivals;
// dropped = answered with a timeout (never executed); late = executed but answered after the SLO;
// mean batch = sum b^2 / sum b over executed INFERs (request-weighted); a cold start is a
// successful request whose model was on no GPU when it was admitted and on one when answered.
// Rates per bucket are counts / bucket width, bucketed by answer time (offered: by arrival);
// "peak" is the largest bucket among those that start before the workload's end, leaving out
// the last `peak_exclude_last` of them (Fig. 11's reference drops its final minute).
#pragma once

#include <cstdint>
#include <string>

#include "clustersim/core/time.hpp"
#include "clustersim/metrics/bucket_series.hpp"
#include "clustersim/metrics/latency_histogram.hpp"
#include "clustersim/metrics/run_output.hpp"

namespace clustersim {

enum class RequestOutcome : std::uint8_t { kOk, kTimeout, kError, kUnanswered };

struct RequestRecord {
  std::uint64_t id = 0;  ///< arrival sequence number
  std::uint32_t model = 0;
  int zoo_model = 0;
  SimTime arrival = 0;
  SimTime departure = -1;  ///< -1: unanswered
  SimTime slo = 0;
  RequestOutcome outcome = RequestOutcome::kOk;
  int batch = 0;  ///< size of the INFER that served it (0: none)
  int gpu = -1;
  bool cold_start = false;
};

struct ServingMetricsConfig {
  SimTime series_width = kSecond;
  SimTime bucket_width = 60 * kSecond;
  int peak_exclude_last = 1;
};

class ServingMetrics {
 public:
  explicit ServingMetrics(ServingMetricsConfig config);
  /// Streams requests.csv rows into `stream` (owned by the RunOutput).
  void stream_requests(CsvStream* stream) { requests_csv_ = stream; }
  static const char* requests_header();

  void on_arrival(SimTime t);
  void on_answer(const RequestRecord& r);
  void on_unanswered(const RequestRecord& r);
  void on_infer(SimTime t, int batch, bool ok);
  void on_load(SimTime t, bool ok);
  void on_evict(SimTime t);
  /// The workload ended at `workload_end` (rates are over [0, workload_end)).
  void collect(SimTime workload_end, RunOutput& out) const;

  std::uint64_t requests() const { return requests_; }
  std::uint64_t answered() const { return answered_; }
  std::uint64_t goodput() const { return good_; }
  const LatencyHistogram& latency() const { return latency_; }

 private:
  ServingMetricsConfig config_;
  CsvStream* requests_csv_ = nullptr;
  BucketSeries seconds_, minutes_;
  LatencyHistogram latency_;
  std::uint64_t requests_ = 0, answered_ = 0, unanswered_ = 0, good_ = 0, late_ = 0, dropped_ = 0,
                errors_ = 0, cold_ = 0, infers_ = 0, loads_ = 0, load_errors_ = 0, evictions_ = 0;
  double batch_sum_ = 0, batch_sq_ = 0;
  std::string line_;
  void add_all(SimTime t, std::size_t column, double v);
};

}  // namespace clustersim
