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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/simulator.hpp"
#include "clustersim/training/job.hpp"
#include "clustersim/training/placement.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

enum class JobStatus { kFuture, kPending, kRunning, kFinished, kRejected };

/// Engine-owned state of one job. Work is in the ThroughputModel's units; `work_done` and the
/// service counters are banked up to the current scheduling point before the policy is called.
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
  int resumes = 0;               ///< restarts after a preemption
  int resizes = 0;               ///< allocation changes while running
  int group = -1;                ///< Assignment::group of the current run (-1 = own GPUs)
  double event_overhead_s = -1;  ///< Assignment::event_overhead_s of the current run
  bool borrowed = false;         ///< Assignment::borrowed of the current run
  EventId completion;
  /// EngineNeeds::iteration_clock only (iterations_left stays NaN otherwise): Muri's simulator
  /// bookkeeping in double seconds on the exact clock, which its results depend on to the last
  /// bit. Remaining iterations, less max(t - clock_s - event_overhead_s, 0) / iteration_time_s
  /// at every point while running; held-GPU time summed as run_s + t - clock_s; the exact time
  /// of the last point; the predicted completion, t + iterations_left x iteration_time_s.
  double iterations_left = std::numeric_limits<double>::quiet_NaN();
  double iteration_time_s = 0;
  double run_s = 0;
  double clock_s = 0;
  double end_s = 0;

  double remaining() const { return work_total > work_done ? work_total - work_done : 0.0; }
};

struct Assignment {
  int job = 0;       ///< Job::index
  int gpus = 0;      ///< > 0
  NodeShares nodes;  ///< empty: keep the current nodes if the count is unchanged, else the
                     ///< engine places the job with the run's placement scheme
  /// Optional extensions (defaults keep the plain behaviour):
  /// group >= 0: every assignment with the same group id shares ONE set of `gpus` GPUs (Muri's
  /// interleaving); the first member in `run` is placed, the others take its nodes. All members
  /// must ask for the same count. Group ids are only meaningful within one Decision.
  int group = -1;
  /// rate > 0: work units per second, overriding ThroughputModel::rate (e.g. a group's
  /// interleaved iteration time).
  double rate = 0;
  /// event_overhead_s >= 0: Muri's per-event overhead accounting for this job. At every later
  /// scheduling point the job progresses max(dt - event_overhead_s, 0) x rate over the dt since
  /// the previous point (instead of the OverheadModel's window after a change), and its
  /// completion is re-predicted at every point as now + remaining / rate (no overhead).
  double event_overhead_s = -1;
  /// borrowed: the job runs on GPUs it does not hold (AntMan's opportunistic jobs, which share
  /// GPUs with guaranteed jobs or use idle ones): it takes no GPUs from the cluster state, is not
  /// counted as busy, and `nodes` (required, summing to `gpus`) are only recorded.
  bool borrowed = false;
  /// EngineNeeds::iteration_clock: seconds per iteration at this allocation (required > 0; the
  /// engine then counts progress in iterations, not by `rate`).
  double iteration_time_s = 0;
};

struct Decision {
  std::vector<Assignment> run;  ///< every job that holds GPUs after this point
  std::vector<int> reject;      ///< pending jobs refused for good (admission control)
  SimTime wake_at = kForever;   ///< ask for another scheduling point at this time
  /// Like wake_at, but forgotten at the next scheduling point (a wake-up that a later decision
  /// may move, e.g. the planned end of a job that holds no GPUs yet).
  SimTime replan_at = kForever;
  /// Optional per-point overhead (ElasticFlow artifact): each listed job that holds GPUs after
  /// this point makes no progress for the given time from now on. It replaces the overhead
  /// model's charge for this point; jobs not listed are charged by the overhead model as usual.
  std::vector<std::pair<int, SimTime>> overhead;
  /// Optional plan-driven completion (ElasticFlow artifact): a listed job that holds GPUs makes
  /// no progress after `progress_until` and completes at `end` whatever work remains, or at the
  /// first scheduling point before `end` at which its work is done (its finish is then the time
  /// the work was done). Applies until the next decision; unlisted jobs complete by progress.
  struct PlannedEnd {
    int job = 0;
    SimTime progress_until = kForever;
    SimTime end = kForever;
    /// true: a job whose work is done before `end` is recorded as finishing at this decision's
    /// time plus the whole seconds its remaining work needs at the new rate, leaving out the
    /// overhead charged now (the ElasticFlow artifact's logged end of an early completion). It
    /// still completes at the first scheduling point at which its work, overhead included, is
    /// done.
    bool finish_ignores_overhead = false;
  };
  std::vector<PlannedEnd> planned_end;
  /// Optional retroactive completions (the artifact's Gandiva evaluates progress only at its
  /// scheduling points): each listed running or pending job finishes at this point, its finish
  /// recorded as the given time (<= now). Listed jobs must not be in `run`.
  std::vector<std::pair<int, SimTime>> finish;
  /// Optional: true cancels the wake-up asked for by the previous decision (if still pending)
  /// before scheduling this one, so only the latest requested wake-up fires.
  bool wake_replaces_previous = false;
  /// EngineNeeds::iteration_clock only: the wake-up's exact time in seconds (> clock_s(), may
  /// fall in the current microsecond); when finite it replaces wake_at, the point happening at
  /// the microsecond it falls in with this exact time (an arrival's time wins, and an exact
  /// end earlier than it is taken first).
  double wake_at_s = std::numeric_limits<double>::infinity();
};

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
  /// This point's exact time in seconds under EngineNeeds::iteration_clock, else now().
  virtual double clock_s() const { return to_seconds(now()); }
};

/// An extra per-job output column a policy contributes to jobs.csv (values indexed like
/// Trace::jobs), e.g. Tiresias' promotion counts.
struct JobColumn {
  std::string name;
  std::vector<std::string> values;
};

/// Engine semantics a policy depends on (e.g. the ElasticFlow artifact's whole-second times and
/// slot spacing). The engine applies them where the run leaves the setting at its default.
struct EngineNeeds {
  bool whole_seconds = false;
  SimTime min_interval = 0;  ///< 0 = no need
  /// Muri's float clock. Every scheduling point also has an exact time in double seconds: an
  /// arrival's submit time, else the earliest exact predicted completion among the events that
  /// fell in its microsecond, else the point's own time. Jobs progress in iterations, as
  /// Muri's simulator updates them (JobRuntime::iterations_left), and complete at the
  /// microsecond their exact predicted end falls in. Muri's chaotic runs (grouping by
  /// near-tied keys) diverge after a few hundred events if every point is rounded to µs.
  bool iteration_clock = false;
  /// With iteration_clock: an end within math.isclose(end, arrival, abs_tol=1e-4) of the next
  /// arrival happens at the arrival, as in Muri's multi-resource event loop (its SRTF/SRSF loop
  /// merges only equal times).
  bool merge_end_near_arrival = false;
  /// With iteration_clock: only the earliest exact predicted end, with the ends exactly equal
  /// to it, happens next, and only if no arrival or exact wake-up (Decision::wake_at_s) comes
  /// strictly earlier; every other running job is re-predicted at that next point, its
  /// per-event overhead charged again (Muri's dlas loop). Without it every job's end is listed
  /// and those within math.isclose(rel_tol=1e-9) of an earlier listed one merge with it (Muri's
  /// SRTF/SRSF and multi-resource loops).
  bool earliest_end_only = false;
  /// The policy places jobs itself (its own node sets, Muri's yarn rule): the run's placement
  /// scheme is not used (count-only for assignments without nodes) and `placement` is not a
  /// parameter of the run.
  bool own_placement = false;
  /// The policy charges its artifact's own overheads (per-event restart overheads, per-point
  /// overheads in its decisions): the run's overhead model is not used and `overhead` is not a
  /// parameter of the run.
  bool own_overhead = false;
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
  training_policies().add(std::move(name), std::move(description), std::move(f),
                          std::move(params));
  return true;
}

}  // namespace clustersim
