// Metrics and per-job files of a training run (README "Result files"):
//   summary.json  jobs, jobs_finished, jobs_rejected, jct_mean_s, jct_median_s, jct_p99_s,
//                 makespan_s, deadline_jobs, deadline_satisfaction,
//                 deadline_satisfaction_artifact, gpu_utilization, preemptions,
//                 jct_mean_best_effort_s (when there are best-effort jobs), efficiency_mean
//                 (with engine.efficiency), and the policy's own counters (TrainingPolicy::report).
//                 Statistics over no finished job are null, never 0.
//   jobs.csv      one row per job in trace order, plus the policy's extra columns
//   cluster.csv   one row per scheduling point
#pragma once

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/metrics/run_output.hpp"
#include "clustersim/training/engine.hpp"

namespace clustersim {

void collect_training_metrics(const Cluster& cluster, const Trace& trace, const RunResult& result,
                              const TrainingPolicy& policy, bool efficiency, RunOutput& out);

}  // namespace clustersim
