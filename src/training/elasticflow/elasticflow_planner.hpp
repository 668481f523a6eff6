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

#include <nlohmann/json.hpp>

#include "clustersim/core/params.hpp"
#include "clustersim/training/job.hpp"
#include "clustersim/training/planned_end.hpp"
#include "clustersim/training/policy.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim::ef {

using Sec = std::int64_t;
inline constexpr Sec kNoDeadline = std::numeric_limits<Sec>::max() / 4;

/// Whole seconds of `t`: the artifact's integer clock. InputError naming `policy` otherwise.
Sec whole_seconds(SimTime t, const char* policy);
/// The artifact's --scheduling_slot: `ef.slot_s` (default 60), whole seconds.
Sec slot_param(const Params& params);
ParamSpec slot_spec();
/// `ef.overhead`: artifact|none (the artifact's restart/resize overheads or none).
ParamSpec overhead_spec();
/// What the artifact's event loop needs from the engine: ends and overheads from the policy's
/// plans (`planned-end`, or `rate` for a policy without plans), whole-second times and
/// scheduling points at least one slot apart (the run's defaults for engine.*).
/// `own_placement`: the policy keeps the artifact's node sets itself.
inline EngineNeeds artifact_engine_needs(Sec slot, bool own_placement,
                                         const char* progress = "planned-end") {
  return {progress,
          {{"engine.whole_seconds", "true"}, {"engine.min_interval_s", std::to_string(slot)}},
          own_placement};
}
/// The artifact's deadline satisfactory ratio, accepted / (accepted + declined) over deadline
/// jobs (admission refusals among the declined); null without deadline jobs.
nlohmann::json artifact_ratio(int accepted, int declined);

/// The trace's distinct submit times (whole seconds), to tell how many start events the
/// artifact still has queued at a scheduling point.
class SubmitTimes {
 public:
  /// Reads every job's submit time once (at the first call), then nothing.
  void read(const SchedulingContext& ctx);
  /// The artifact's event list after the point at `now`: its start events after `now` plus one
  /// event per distinct time in `others` (end and scale events; reordered). The time of its only
  /// event, which the artifact's loop handles at its own time instead of one slot after `now` at
  /// the earliest (Decision::unspaced_at), or kForever if it holds none or several.
  SimTime lone_event(Sec now, std::vector<Sec>& others) const;

 private:
  std::vector<Sec> times_;  ///< sorted, distinct
  bool read_ = false;
};

/// `utils.align_to_time_slot`: the first `start + k*slot` (k >= 0) at or after `t`.
inline Sec align(Sec start, Sec t, Sec slot) {
  const Sec d = t - start;
  Sec k = d / slot;  // floor division and a non-negative remainder, as in Python
  Sec r = d % slot;
  if (r < 0) {
    --k;
    r += slot;
  }
  if (r > 0) ++k;
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
  /// merge() when the breakpoints after index `last_changed` were merged and are unchanged:
  /// only the ones up to last_changed + 1 are compared.
  void merge_front(std::size_t last_changed);
};

/// What a planner needs about one job; `iter_left` is in the throughput model's work units.
struct PlanJob {
  int index = 0;  ///< Job::index
  const Job* job = nullptr;
  double iter_left = 0;
  Sec ddl = kNoDeadline;
  int max_gpu = 1;
  int min_gpu = 1;            ///< the artifact's job_dict['min_gpu']: 1 for every job
  std::vector<int> columns;   ///< usable table levels, ascending
  std::vector<double> rates;  ///< iterations/s at each column
  double rate(int g) const;
};

/// Per-model caps: `models.get_max_gpu` for ElasticFlow (`artifact_caps`), otherwise
/// min(64, batch size, largest usable level) as the artifact's other policies use.
int max_gpu_for(const Job& job, const std::vector<int>& levels, bool artifact_caps,
                const std::string& gpu_type);

/// Result of planning one job on the shared timeline.
struct EdfPlan {
  int gpus_now = 0;   ///< allocation at the planning instant
  Sec end = 0;        ///< planned completion (whole seconds, not slot-aligned)
  bool meets = true;  ///< planned end within the deadline
};

/// Level helpers over the job's columns capped at max_gpu (`utils.get_next_level`,
/// `utils.get_last_level`): the next level above `g` (the first level when g == 0; `g` itself at
/// the cap), and the largest level below `g` (0 if none).
int next_level(const PlanJob& j, int g);
int last_level(const PlanJob& j, int g);

/// `utils.get_allocation_time`: GPU-seconds of a step allocation from its first breakpoint to
/// `end`.
double allocation_time(const FreeTimeline& alloc, Sec end);

/// Result of `ef_sim_allocation` for one job; nothing is committed by the planner.
struct EfPlan {
  bool meets = true;      ///< planned real end within the deadline
  FreeTimeline alloc;     ///< the job's planned GPUs over time (merged), first breakpoint = start
  FreeTimeline timeline;  ///< the free-GPU timeline with this plan reserved (merged)
  Sec end = 0;            ///< planned end aligned to the slot grid (the artifact's end event)
  Sec real_end = 0;       ///< planned end in whole seconds
  double gpu_time = 0;    ///< allocation_time(alloc, end)
  bool fallback = false;  ///< came from the "cannot meet the deadline" path
};

/// `ef_sim_allocation`: the minimum satisfactory share, filled backwards from the job's (slot-
/// aligned) deadline on the free timeline `tl`, one level at a time; when no level meets the
/// deadline, a fallback plan that runs past it. With `assigned` > 0 the job first gets exactly
/// that many GPUs from `start` (the leftover-GPU search). `tl` must be merged and start at
/// `start` (as every timeline the policies build does); InvariantError otherwise.
EfPlan ef_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, const FreeTimeline& tl,
               int assigned);
/// The same, writing into `out` and reusing its vectors' capacity (`tl` must not alias them).
void ef_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, const FreeTimeline& tl,
             int assigned, EfPlan& out);

/// The artifact's `elastic` placement (cluster.elastic_placement) replayed from an empty
/// cluster, only to find each job's GPU ranks as the artifact's log numbers them: the overhead
/// model treats a job whose exact rank set was seen before (since the last cache reset) as
/// "cached". `place` takes jobs in the artifact's order and returns each job's first rank
/// (ranks are contiguous), or -1 if it did not fit.
class ElasticNodeSets {
 public:
  ElasticNodeSets(int nodes, int gpus_per_node);
  /// jobs: (key, gpus) in placement order; returns first ranks in the same order.
  std::vector<int> place(const std::vector<std::pair<int, int>>& jobs);

 private:
  struct Set {
    std::vector<int> nodes;
    std::vector<int> jobs;  ///< positions in the input
    int capacity = 0, num_gpus = 0, util = 0;
  };
  int nodes_, gpn_;
  std::vector<Set> sets_;
  std::vector<int> free_;                                 ///< free node ids, ascending
  std::vector<std::pair<int, std::vector<int>>> groups_;  ///< node_g: size class -> set ids
  std::vector<int>& group(int key);
  void sort_group(int key);
  bool place_one(int pos, int n);
  bool file_by_free(Set& s, int sid, int n_group, int job_pos);
};

/// `edf_sim_allocation`: greedy maximum share (the job's cap) in deadline order, else the
/// largest level that fits if at least min_gpu GPUs are free, else wait; reserves the job's use in
/// `tl` (merged, as every timeline the planners return is).
EdfPlan edf_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, FreeTimeline& tl);

}  // namespace clustersim::ef
