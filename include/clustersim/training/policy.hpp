// Training policies. At each scheduling point the engine hands the policy a read-only
// SchedulingContext and the policy returns a Decision: the complete set of jobs that hold GPUs
// from now on (with GPU counts and, optionally, nodes), the jobs it refuses, and an optional
// wake-up time. The engine validates and applies it; a policy never mutates simulator state.
//
// Policies register from their own .cpp with their declared parameters:
//   const bool registered = register_policy("fifo", "one-line description", factory, {specs});
// and read them from Params (`--set key=value`); see core/params.hpp.
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/simulator.hpp"
#include "clustersim/training/job.hpp"
#include "clustersim/training/placement.hpp"
#include "clustersim/training/progress.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

enum class JobStatus { kFuture, kPending, kRunning, kFinished, kRejected };

/// Engine-owned state of one job. Work is in the ThroughputModel's units; `work_done` and the
/// service counters are banked up to the current scheduling point before the policy is called.
/// State that only one progress model needs lives in that model (e.g. IterationClock::job).
struct JobRuntime {
  JobStatus status = JobStatus::kFuture;
  int gpus = 0;      ///< current allocation (0 when not running)
  NodeShares nodes;  ///< current nodes (empty under count placement)
  double work_total = 0;
  double work_done = 0;
  double rate = 0;             ///< work units per second at the current allocation
  SimTime last_update = 0;     ///< when work_done was last banked
  SimTime overhead_until = 0;  ///< no progress before this time
  SimTime first_start = -1;
  SimTime last_start = -1;  ///< start of the current run (resume time)
  SimTime finish = -1;
  SimTime run_time = 0;      ///< wall time spent holding GPUs (µs)
  double gpu_time_s = 0;     ///< GPU-seconds spent holding GPUs
  SimTime pending_time = 0;  ///< time spent arrived but not running (µs)
  int preemptions = 0;
  int resumes = 0;        ///< restarts after a preemption
  int resizes = 0;        ///< allocation changes while running
  int group = -1;         ///< Assignment::group of the current run (-1 = own GPUs)
  bool borrowed = false;  ///< Assignment::borrowed of the current run
  EventId completion;

  double remaining() const { return work_total > work_done ? work_total - work_done : 0.0; }
};

struct Assignment {
  int job = 0;       ///< Job::index
  int gpus = 0;      ///< > 0
  NodeShares nodes;  ///< empty: keep the current nodes if the count is unchanged, else the
                     ///< engine places the job with the run's placement scheme
  /// group >= 0: every assignment with the same group id shares ONE set of `gpus` GPUs (Muri's
  /// interleaving); the first member in `run` is placed, the others take its nodes. All members
  /// must ask for the same count. Group ids are only meaningful within one Decision.
  int group = -1;
  /// The job runs on GPUs it does not hold (AntMan's opportunistic jobs, which share GPUs with
  /// guaranteed jobs or use idle ones): it takes no GPUs from the cluster state, is not counted
  /// as busy, and `nodes` (required, summing to `gpus`) are only recorded.
  bool borrowed = false;
};

struct Decision {
  std::vector<Assignment> run;  ///< every job that holds GPUs after this point
  std::vector<int> reject;      ///< pending jobs refused for good (admission control)
  SimTime wake_at = kForever;   ///< ask for another scheduling point at this time
  /// Like wake_at, but forgotten at the next scheduling point (a wake-up that a later decision
  /// may move, e.g. the planned end of a job that holds no GPUs yet).
  SimTime replan_at = kForever;
  /// true cancels the wake-up asked for by the previous decision (if still pending) before
  /// scheduling this one, so only the latest requested wake-up fires.
  bool wake_replaces_previous = false;
  /// Optional (the ElasticFlow artifact's event loop): a scheduling point due exactly at this
  /// time is not delayed by EngineConfig::min_interval. The artifact moves its next event to one
  /// slot after the current point only when its event list holds at least two events; a lone
  /// event (the last arrival, or the last running job's end) is handled at its own time.
  SimTime unspaced_at = kForever;
  /// The run's progress model's part of the decision (its own plan type; null for `rate`).
  std::shared_ptr<ProgressPlan> progress;
};

/// The decision's plan for its progress model, created on first use (e.g.
/// `plan_for<IterationClockPlan>(d).set(job, iteration_time_s, overhead_s)`).
template <typename Plan>
Plan& plan_for(Decision& d) {
  if (!d.progress) d.progress = std::make_shared<Plan>();
  auto* plan = dynamic_cast<Plan*>(d.progress.get());
  if (!plan) throw InvariantError("a decision mixes plans of two progress models");
  return *plan;
}

class SchedulingContext {
 public:
  virtual ~SchedulingContext() = default;
  virtual SimTime now() const = 0;
  virtual const Cluster& cluster() const = 0;
  virtual const ThroughputModel& throughput() const = 0;
  virtual const PlacementScheme& placement() const = 0;
  virtual const Job& job(int index) const = 0;
  virtual const JobRuntime& state(int index) const = 0;
  /// Arrived, unfinished, not rejected jobs (pending and running), in arrival order.
  virtual const std::vector<int>& active() const = 0;
  /// Jobs that arrived / finished since the previous scheduling point, in event order.
  virtual const std::vector<int>& arrivals() const = 0;
  virtual const std::vector<int>& completions() const = 0;
  /// Current per-node free resources (jobs' current allocations taken out).
  virtual const ClusterState& cluster_state() const = 0;
  /// Number of scheduling points before this one.
  virtual std::uint64_t round() const = 0;
  /// Submit time of the next job that has not arrived yet (kForever if none).
  virtual SimTime next_arrival() const { return kForever; }
  /// Number of jobs in the trace (job(i) is valid for i < job_count(); 0 if unknown).
  virtual std::size_t job_count() const { return 0; }
  /// This point's exact time in seconds (the iteration clock's), else now().
  virtual double clock_s() const { return to_seconds(now()); }
  /// The run's progress model (e.g. IterationClock::of(ctx) for its per-job state).
  virtual const ProgressModel& progress() const = 0;
};

/// An extra per-job output column a policy contributes to jobs.csv (values indexed like
/// Trace::jobs), e.g. Tiresias' promotion counts.
struct JobColumn {
  std::string name;
  std::vector<std::string> values;
};

/// Engine semantics a policy depends on, resolved into the run by prepare_training.
struct EngineNeeds {
  /// The progress model (progress.hpp) the policy's decisions are written for.
  std::string progress = "rate";
  /// The run's defaults for engine.* and the progress model's parameters (an explicit setting
  /// still wins; both are recorded), e.g. the ElasticFlow artifact's whole-second times.
  std::map<std::string, std::string> defaults;
  /// The policy places jobs itself (its own node sets, Muri's yarn rule): the run's placement
  /// scheme is not used (count-only for assignments without nodes) and `placement` is an error.
  bool own_placement = false;
};

class TrainingPolicy {
 public:
  virtual ~TrainingPolicy() = default;
  virtual EngineNeeds engine_needs() const { return {}; }
  virtual Decision schedule(const SchedulingContext& ctx) = 0;
  /// Called once per job when it finishes (after its GPUs are released).
  virtual void on_finish(const SchedulingContext&, int /*job*/) {}
  /// Extra jobs.csv columns, asked once after the run; `jobs` = trace size. Default: none.
  virtual std::vector<JobColumn> extra_job_columns(std::size_t /*jobs*/) const { return {}; }
  /// Adds policy-specific metrics to summary.json after the run (default: none).
  virtual void report(nlohmann::json& /*summary*/) const {}
};

struct PolicyEnv {
  const Cluster& cluster;
  const Params& params;
};
using PolicyFactory = std::function<std::unique_ptr<TrainingPolicy>(const PolicyEnv&)>;
Registry<PolicyFactory>& training_policies();
inline bool register_policy(std::string name, std::string description, PolicyFactory f,
                            ParamSpecs params = {}) {
  training_policies().add(std::move(name), std::move(description), std::move(f), std::move(params));
  return true;
}

}  // namespace clustersim
