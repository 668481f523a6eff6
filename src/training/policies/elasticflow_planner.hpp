// Shared pieces of the ElasticFlow artifact's (ASPLOS'23, pkusys/ElasticFlow scheduler.py)
// deadline planners, re-implemented for the `edf`, `edf-ac`, `elasticflow` and
// `elasticflow-noac` policies. Times are whole seconds on the trace clock (the artifact's
// integers); throughput comes from the run's ThroughputModel at the table's GPU levels.
//
// FreeTimeline is the artifact's `future_free_gpus`: a step function time -> free GPUs, stored
// as sorted (time, free) breakpoints with equal neighbours merged (`utils.merge_dict`).
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "clustersim/training/job.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim::ef {

using Sec = std::int64_t;
inline constexpr Sec kNoDeadline = std::numeric_limits<Sec>::max() / 4;

/// `utils.align_to_time_slot`: the first `start + k*slot` (k >= 0) at or after `t`.
inline Sec align(Sec start, Sec t, Sec slot) {
  Sec k = (t - start) / slot;
  if ((t - start) % slot > 0) ++k;
  return start + k * slot;
}

class FreeTimeline {
 public:
  using Point = std::pair<Sec, int>;
  std::vector<Point> pts;  ///< sorted by time

  /// Index of the breakpoint at exactly `t`, or -1.
  int find(Sec t) const;
  bool has(Sec t) const { return find(t) >= 0; }
  /// Value of the breakpoint at `t` (which must exist).
  int& at(Sec t);
  /// Inserts or overwrites the breakpoint at `t`.
  void set(Sec t, int v);
  /// Drops breakpoints equal to their predecessor (the first one is always kept).
  void merge();
};

/// What a planner needs about one job; `iter_left` is in the throughput model's work units.
struct PlanJob {
  int index = 0;  ///< Job::index
  const Job* job = nullptr;
  double iter_left = 0;
  Sec ddl = kNoDeadline;
  int max_gpu = 1;
  std::vector<int> columns;  ///< usable table levels, ascending
  std::vector<double> rates;  ///< iterations/s at each column
  double rate(int g) const;
};

/// Per-model caps: `models.get_max_gpu` for ElasticFlow (`artifact_caps`), otherwise
/// min(64, batch size, largest usable level) as the artifact's other policies use.
int max_gpu_for(const Job& job, const std::vector<int>& levels, bool artifact_caps,
                const std::string& gpu_type);

/// Result of planning one job on the shared timeline.
struct EdfPlan {
  int gpus_now = 0;  ///< allocation at the planning instant
  Sec end = 0;       ///< planned completion (whole seconds, not slot-aligned)
  bool meets = true; ///< planned end within the deadline
};

/// `edf_sim_allocation`: greedy maximum share (the job's cap) in deadline order, else the
/// largest level that fits, else wait; reserves the job's use in `tl`.
EdfPlan edf_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, FreeTimeline& tl);

}  // namespace clustersim::ef
