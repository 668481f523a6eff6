// Metrics and files of a balancing run (docs/balancing.md "Result files"):
//   summary.json  tasks, tasks_completed, makespan_s (last finish - first arrival),
//                 makespan_release_s (last finish - min(last release, first start): the aiVLE
//                 notebook's definition, which starts the clock once the master has taken every
//                 submission), throughput_rps (completions in the window / its length),
//                 response_{mean,p50,p90,p99,max}_s, wait_{mean,p99}_s (start - arrival),
//                 waited_fraction (tasks whose service did not start on arrival), slowdown_mean
//                 (response / work_s) — these over the tasks that arrived after
//                 metrics.warmup_s —, node_tasks (per node, in spec order), node_tasks_min/max,
//                 transfers (task migrations), result_returns, transfer_bytes,
//                 state_messages, state_lost, quantiles ("exact" or
//                 the sketch's relative error). Statistics over no task are null.
//   nodes.csv     node,slots,speed,throttle,tasks,slot_busy_s,utilization,sent,received,
//                 results (migrated away, migrated in, results returned to the origin)
//   tasks.csv     (optional, streamed in completion order) task_id,arrival_s,release_s,start_s,
//                 finish_s,node,origin,transfers,work_s,response_s,wait_s
//   series.csv    (optional) time_s,node,queued,running,held every series.period_s (node
//                 "central" = the central queue)
#pragma once

#include "clustersim/balancing/engine.hpp"
#include "clustersim/metrics/run_output.hpp"
#include "clustersim/metrics/streaming_stats.hpp"

namespace clustersim {

class BalancingMetrics final : public balancing::TaskObserver {
 public:
  struct Options {
    SimTime warmup = 0;  ///< throughput window start; earlier arrivals skip the statistics
    SimTime until = 0;   ///< throughput window end (0 = the last finish)
    std::size_t exact_quantiles = 1u << 20;
    bool tasks_csv = false;
    bool series_csv = false;
  };
  /// Opens the streamed files in `out` now.
  BalancingMetrics(const balancing::BalancingCluster& cluster, const Options& options,
                   RunOutput& out);
  void on_complete(const balancing::TaskRecord& t) override;
  void on_sample(SimTime now, const std::vector<balancing::NodeSample>& nodes,
                 std::size_t central) override;
  /// Adds the summary metrics and nodes.csv.
  void collect(const balancing::BalancingResult& result, RunOutput& out);

 private:
  const balancing::BalancingCluster& cluster_;
  Options opt_;
  CsvStream* tasks_ = nullptr;
  CsvStream* series_ = nullptr;
  RunningStats response_, wait_, slowdown_;
  QuantileSketch response_q_, wait_q_;
  SimTime first_arrival_ = kForever, last_finish_ = -1, last_release_ = -1, first_start_ = kForever;
  std::uint64_t waited_ = 0;
  std::uint64_t in_window_ = 0;
  std::string line_;
};

}  // namespace clustersim
