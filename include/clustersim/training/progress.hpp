// Progress models: how a running training job advances and when it completes. One model per
// run, named by the policy (EngineNeeds::progress), registered like the policies with its
// declared parameters:
//   rate             (default) work at ThroughputModel::rate(job, gpus, nodes) work units per
//                    second, none during the overhead model's window after a start, resume,
//                    resize or move; completion at start + remaining / rate, rounded up to the
//                    microsecond (or to whole seconds with engine.whole_seconds)
//   iteration-clock  Muri's simulator: progress in iterations on its double-precision clock
//                    (iteration_clock.hpp)
//   planned-end      the ElasticFlow artifact: ends come from the policy's plans (planned_end.hpp)
// A model owns the per-job state it needs and reads its part of a decision (Decision::progress,
// a plan type the model defines). The engine owns statuses, GPUs, placement, counters and the
// event loop, and calls the model's hooks at fixed points; at each scheduling point:
// begin_point, bank (every active job), before_policy, [policy], pre_apply, preempt / keep /
// start (per job), post_apply.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/training/overhead.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

struct JobRuntime;
struct Assignment;
struct Decision;

/// The engine as a progress model sees it.
class ProgressHost {
 public:
  virtual ~ProgressHost() = default;
  virtual SimTime now() const = 0;
  virtual const Job& job(int index) const = 0;
  virtual std::size_t job_count() const = 0;
  virtual JobRuntime& runtime(int index) = 0;
  /// Arrived, unfinished, not rejected jobs (pending and running), in arrival order.
  virtual const std::vector<int>& active() const = 0;
  virtual const ThroughputModel& throughput() const = 0;
  virtual const OverheadModel& overhead() const = 0;
  /// Submit time of the next job that has not arrived yet (kForever if none).
  virtual SimTime next_arrival() const = 0;
  /// engine.whole_seconds: completions rounded up to whole seconds after the overhead window.
  virtual bool whole_seconds() const = 0;
  /// Moves the job's completion event to `t` (kForever: no completion event).
  virtual void set_completion(int job, SimTime t) = 0;
  /// Finishes a running or pending job at this point, recording `finish` (<= now) as its
  /// finish time; `during_apply`: from pre_apply (its GPUs are not in the decision), else from
  /// before_policy (its GPUs are released now).
  virtual void finish_now(int job, SimTime finish, bool during_apply) = 0;
  /// A policy wake-up at `t` (replacing the latest one when `replace`); `fire` runs first.
  virtual void wake_at(SimTime t, bool replace, std::function<void()> fire) = 0;
  [[noreturn]] virtual void policy_bug(const std::string& what) const = 0;
};

/// A model's part of a decision; each model defines its own (IterationClockPlan, ...).
struct ProgressPlan {
  virtual ~ProgressPlan() = default;
};

class ProgressModel {
 public:
  virtual ~ProgressModel() = default;
  virtual void arrive(int /*job*/) {}
  /// A completion event of the job fires (before it is banked and released).
  virtual void completing(int /*job*/) {}
  virtual void begin_point() {}
  /// Banks the job's progress since its last update (work_done and the model's own state);
  /// called for every active job, running or pending, before last_update moves to now.
  virtual void bank(int job) = 0;
  virtual void before_policy() {}
  virtual void pre_apply(const Decision& /*d*/) {}
  /// The job keeps its GPUs (same count, same nodes).
  virtual void keep(int job, const Assignment& a) = 0;
  /// The job starts, resumes, is resized or moved; `overhead_window` is the run's overhead
  /// model's charge for the change (`none` when the model charges its own).
  virtual void start(int job, const Assignment& a, SimTime overhead_window) = 0;
  virtual void preempt(int /*job*/) {}
  /// After every assignment: completion events, the model's part of the decision.
  virtual void post_apply(const Decision& d) = 0;
  /// Exact time of this point in seconds (the iteration clock's), else now.
  virtual double clock_s() const = 0;
};

struct ProgressKind {
  std::function<std::unique_ptr<ProgressModel>(ProgressHost& host, const Params& params)> make;
  /// false: the model charges its artifact's own overheads; the run's overhead model is then
  /// `none` and `overhead` is not a parameter of the run.
  bool uses_overhead_model = true;
};
Registry<ProgressKind>& progress_models();

}  // namespace clustersim
