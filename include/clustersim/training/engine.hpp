// The training engine: replays a trace on a cluster under a policy.
//
// Events: one arrival per job at its submit time, one completion event per running job (moved
// whenever its allocation or rate changes, after banking progress), optional periodic slots, and
// policy wake-ups. All events at one instant are followed by a single scheduling point; with
// `min_interval` > 0 scheduling points are at least that far apart (later events are coalesced
// into the next allowed point, as ElasticFlow's simulator does).
//
// Progress and completion times are the run's progress model's (progress.hpp; `rate` unless the
// policy names another). The engine owns statuses, placement, GPU accounting, the service
// counters of JobRuntime and the event loop; it uses `config` as given (prepare_training
// resolves the policy's EngineNeeds and the parameters into it).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/training/overhead.hpp"
#include "clustersim/training/policy.hpp"

namespace clustersim {

struct EngineConfig {
  SimTime min_interval = 0;  ///< minimum spacing of scheduling points (µs); 0 = none
  SimTime slot = 0;          ///< periodic scheduling points every `slot` while jobs are live
  std::string event_queue = "radix";
  /// Check the invariants (GPU conservation, non-negative progress) at every point.
  bool check_invariants = true;
  /// Round each completion up to whole seconds after the job's (re)start or overhead window,
  /// as the ElasticFlow artifact does (`math.ceil(iter_left / rate)`). Off: microseconds.
  bool whole_seconds = false;
  /// Record ClusterSample::efficiency (ElasticFlow's `ce`) at every scheduling point.
  bool efficiency = false;
  /// A run that ends (no event left) with unfinished jobs reports them instead of throwing
  /// InputError naming the first (e.g. the stall of `placement.yarn_leak_memory`).
  bool allow_unfinished = false;
  /// Builds the run's progress model for the engine (default: `rate`).
  std::function<std::unique_ptr<ProgressModel>(ProgressHost&)> make_progress;
  /// Limits (RunLimits): reaching one stops the run with InputError. 0 / kForever = none.
  std::uint64_t max_events = 0;
  SimTime max_sim_time = kForever;
  std::uint64_t stall_events = 0;  ///< Simulator::set_stall_limit
};

/// Per-point sample of the cluster, for time-series outputs.
struct ClusterSample {
  SimTime time;
  int busy_gpus;
  int running;
  int pending;
  /// Sum over running jobs of rate(gpus)/rate(1), divided by the cluster's GPUs (ElasticFlow's
  /// cluster efficiency); only with EngineConfig::efficiency, else 0.
  double efficiency = 0;
};

struct RunResult {
  std::vector<JobRuntime> jobs;        ///< indexed like Trace::jobs
  std::vector<ClusterSample> samples;  ///< one per scheduling point
  std::uint64_t events = 0;
  std::uint64_t scheduling_points = 0;
  double policy_s = 0;  ///< CPU time spent inside the policy
  /// GPU-seconds in the jobs' gpu_time_s that the run did not hold: (members - 1) x group GPUs
  /// for shared-GPU groups (Assignment::group) plus borrowed GPUs (Assignment::borrowed),
  /// integrated over time; 0 without either.
  double shared_gpu_excess_s = 0;
};

class TrainingEngine {
 public:
  /// The engine keeps references to everything passed in; they must outlive run().
  TrainingEngine(const Cluster& cluster, const Trace& trace, const ThroughputModel& throughput,
                 const PlacementScheme& placement, const OverheadModel& overhead,
                 TrainingPolicy& policy, EngineConfig config = {});
  ~TrainingEngine();

  /// Progress callback: (jobs finished or rejected, total jobs, simulated now, events so far).
  using Progress = std::function<void(std::size_t, std::size_t, SimTime, std::uint64_t)>;
  void set_progress(Progress cb);
  RunResult run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clustersim
