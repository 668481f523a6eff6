// The `iteration-clock` progress model: Muri's simulator's bookkeeping, which its results depend
// on to the last bit (research/tiresias_muri.md, docs/muri.md).
//
// Every scheduling point has an exact time in double seconds: an arrival's submit time, else the
// earliest exact predicted completion among the events that fell in its microsecond (or the
// exact wake-up that fired), else the point's own time. Jobs progress in iterations: at every
// point a running job's remaining iterations drop by max(t - t_prev - event_overhead_s, 0) /
// iteration_time_s over the time since the previous point (Muri charges its restart overhead at
// every event), its held time grows by t - t_prev, and its completion is re-predicted as
// t + iterations_left x iteration_time_s; the completion event fires at the microsecond the
// exact end falls in. The rate recorded in JobRuntime is work_total / iterations /
// iteration_time_s.
//
// Parameters (the policy sets the defaults of its loop):
//   progress.merge_end_near_arrival  an end within math.isclose(end, arrival, abs_tol=1e-4) of
//       the next arrival happens at the arrival (Muri's multi-resource loop)
//   progress.earliest_end_only  only the earliest exact end (with ends exactly equal to it)
//       happens next, and only if no arrival or exact wake-up comes strictly earlier; every
//       other running job is re-predicted then (Muri's dlas loop). Otherwise every job's end is
//       listed and those within math.isclose(rel_tol=1e-9) of an earlier listed one merge with
//       it (Muri's util.search_dict_list).
#pragma once

#include <limits>
#include <vector>

#include "clustersim/training/policy.hpp"

namespace clustersim {

/// A decision's part for the iteration clock: every assignment's iteration time and restart
/// overhead, and an optional exact wake-up.
struct IterationClockPlan final : ProgressPlan {
  struct Entry {
    int job = 0;
    double iteration_time_s = 0;   ///< > 0: seconds per iteration at this allocation
    double event_overhead_s = -1;  ///< >= 0: charged at every later point; < 0: none
  };
  std::vector<Entry> jobs;
  /// Exact wake-up time (seconds), or infinity: a scheduling point at the microsecond it falls
  /// in, whose exact time is this.
  double wake_at_s = std::numeric_limits<double>::infinity();

  void set(int job, double iteration_time_s, double event_overhead_s) {
    jobs.push_back({job, iteration_time_s, event_overhead_s});
  }
};

/// Per-job state of the iteration clock, in double seconds on the exact clock.
struct ClockJob {
  double iterations_left = std::numeric_limits<double>::quiet_NaN();  ///< from arrival on
  double iteration_time_s = 0;  ///< of the current (or last) allocation
  double event_overhead_s = -1;
  double run_s = 0;    ///< time held GPUs, summed as run_s + t - t_prev
  double clock_s = 0;  ///< exact time of the job's last banking
  double end_s = 0;    ///< predicted completion
};

class IterationClockState {
 public:
  virtual ~IterationClockState() = default;
  virtual const ClockJob& clock_job(int index) const = 0;
};

/// The iteration clock's state of a job; InvariantError when the run's model is another.
const ClockJob& clock_job(const SchedulingContext& ctx, int index);

}  // namespace clustersim
