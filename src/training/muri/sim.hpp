// Pieces shared by the policies that replay Muri's simulator (muri-*, and the baselines as Muri
// runs them: muri-srtf, muri-srsf, muri-tiresias).
//
// Progress is counted in iterations: a job's isolated iteration time is the trace's
// `iteration_time` x 1.015 (Muri's calibration) and its remaining iterations are
// remaining work x iterations / total work, whatever the run's ThroughputModel units; policies
// hand the engine an explicit rate (Assignment::rate) derived from the iteration time they run
// the job at, and Muri's per-event restart overhead (Assignment::event_overhead_s).
//
// Parameters read by every muri-* policy:
//   muri.overhead          every_event (default; Muri: at every scheduling event a running job
//                          loses its overhead, completion predicted without it) | none
//   muri.overhead_table    CSV model_name,num_gpu,restart_overhead_s (Muri's `overhead_dict`,
//                          e.g. anchors/muri/restart_overhead_s.csv); without it every job gets
//                          muri.overhead_default_s
//   muri.overhead_default_s  seconds for (model, GPUs) pairs not in the table (default 10)
#pragma once

#include <array>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/training/job.hpp"
#include "clustersim/training/policy.hpp"

namespace clustersim::muri {

inline constexpr double kIsolatedCalibration = 1.015;

/// Muri's `yarn` placement (ms_yarn_placement) on a state reset at every round: a job of g <=
/// GPUs-per-node GPUs takes the first node (switch by switch) with g free GPUs, 2 CPUs (1 GPU) or
/// 6g CPUs and 5 GB; a larger job takes floor(g/G) completely free nodes (6G CPUs,
/// (11 + 0.1 g) GB per GPU) plus one node for g mod G, all under one switch.
class YarnPlacer {
 public:
  explicit YarnPlacer(const Cluster& c);
  void reset();
  /// Places and takes the resources; nullopt (state unchanged) if it does not fit.
  std::optional<NodeShares> place(int gpus);

 private:
  const Cluster& cluster_;
  std::vector<std::vector<int>> switch_nodes_;
  std::vector<int> gpus_, cpus_;
  std::vector<double> mem_;
};

class RestartOverheads {
 public:
  explicit RestartOverheads(const Params& p);
  /// muri.overhead, muri.overhead_default_s, muri.overhead_table.
  static ParamSpecs specs();
  /// Seconds charged at every event; -1 when per-event overhead is off (muri.overhead=none).
  double seconds(int gpus, const std::string& model) const;
  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = true;
  double default_s_ = 10;
  std::map<std::pair<int, std::string>, double> table_;
};

/// Trace iteration time x 1.015 (seconds; ms x 1.015 / 1000 as Muri computes it). Traces without
/// one (other formats) use duration / iterations; InputError if neither is known.
double isolated_iteration_time(const Job& job);
/// The job's (data, GPU, network) stage times per iteration; a job without any (other trace
/// formats) is taken as GPU-bound: its whole uncalibrated iteration time in the GPU stage.
std::array<double, 3> stage_times(const Job& job);
/// The iteration clock's exact count of the job's remaining iterations.
double remaining_iterations(const SchedulingContext& ctx, int job);

}  // namespace clustersim::muri
