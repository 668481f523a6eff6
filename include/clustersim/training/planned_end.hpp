// The `planned-end` progress model: the ElasticFlow artifact's event loop, where a job's end is
// the one its planner computed, not the moment its work runs out.
//
// Progress is rate-based as in `rate`, but the policy's plan for each decision (until the next
// one) may:
//   overhead   make a job that holds GPUs progress nothing for the given time from now on (the
//              artifact's per-point restart/resize overhead; the run's overhead model is not
//              used);
//   ends       cap a job's progress at `progress_until` and complete it at `end` whatever work
//              remains, or at the first scheduling point before `end` at which its work is done
//              (its finish is then when the work was done, or, with finish_ignores_overhead,
//              this decision's time plus the whole seconds its remaining work needs at the new
//              rate, leaving out the overhead charged now: the artifact's logged end);
//   finish     finish running or pending jobs at this point, recording the given times (<= now)
//              as their finish (the artifact's Gandiva and Themis evaluate progress only at their
//              scheduling points); listed jobs must not be in Decision::run.
// Jobs not listed in `ends` complete by progress, as in `rate`.
#pragma once

#include <utility>
#include <vector>

#include "clustersim/training/policy.hpp"

namespace clustersim {

struct PlannedEndPlan final : ProgressPlan {
  struct End {
    int job = 0;
    SimTime progress_until = kForever;
    SimTime end = kForever;
    bool finish_ignores_overhead = false;
  };
  std::vector<std::pair<int, SimTime>> overhead;
  std::vector<End> ends;
  std::vector<std::pair<int, SimTime>> finish;
};

}  // namespace clustersim
