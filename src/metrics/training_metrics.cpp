#include "clustersim/metrics/training_metrics.hpp"

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim {
namespace {

using nlohmann::json;

std::string opt_time(SimTime t) {
  return t < 0 ? "" : format_seconds(t);
}

const char* status_name(JobStatus s) {
  switch (s) {
    case JobStatus::kFinished:
      return "finished";
    case JobStatus::kRejected:
      return "rejected";
    case JobStatus::kRunning:
      return "running";
    default:
      return "pending";
  }
}

json or_null(const std::vector<double>& v, double (*stat)(std::vector<double>)) {
  return v.empty() ? json(nullptr) : json(stat(v));
}

std::string jobs_csv(const Trace& trace, const RunResult& res,
                     const std::vector<JobColumn>& extra) {
  std::string csv =
      "job_id,model,submit_s,first_start_s,finish_s,jct_s,gpus,deadline_s,deadline_met,"
      "preemptions,resumes,resizes,pending_s,run_s,gpu_s,status";
  for (const auto& col : extra) {
    if (col.values.size() != trace.jobs.size())
      throw InvariantError("extra column " + col.name + " has the wrong size");
    csv += "," + col.name;
  }
  csv += "\n";
  for (const auto& j : trace.jobs) {
    const auto& r = res.jobs[j.index];
    const bool done = r.status == JobStatus::kFinished;
    const char* met = !j.deadline ? "" : done && r.finish <= *j.deadline ? "1" : "0";
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.6f},{}", j.id, j.model,
                       format_seconds(j.submit), opt_time(r.first_start), opt_time(r.finish),
                       done ? format_seconds(r.finish - j.submit) : "", j.gpus,
                       j.deadline ? format_seconds(*j.deadline) : "", met, r.preemptions, r.resumes,
                       r.resizes, format_seconds(r.pending_time), format_seconds(r.run_time),
                       r.gpu_time_s, status_name(r.status));
    for (const auto& col : extra)
      csv += "," + col.values[j.index];
    csv += "\n";
  }
  return csv;
}

std::string cluster_csv(const RunResult& res, bool efficiency) {
  std::string cl = efficiency ? "time_s,busy_gpus,running,pending,efficiency\n"
                              : "time_s,busy_gpus,running,pending\n";
  for (const auto& s : res.samples) {
    cl += fmt::format("{},{},{},{}", format_seconds(s.time), s.busy_gpus, s.running, s.pending);
    cl += efficiency ? fmt::format(",{:.6f}\n", s.efficiency) : std::string("\n");
  }
  return cl;
}

// Time-weighted cluster efficiency between the first and the last scheduling point.
double efficiency_mean(const RunResult& res) {
  double area = 0, span = 0;
  for (std::size_t k = 0; k + 1 < res.samples.size(); ++k) {
    const double dt = to_seconds(res.samples[k + 1].time - res.samples[k].time);
    area += res.samples[k].efficiency * dt;
    span += dt;
  }
  return span > 0 ? area / span : res.samples.front().efficiency;
}

}  // namespace

void collect_training_metrics(const Cluster& cluster, const Trace& trace, const RunResult& res,
                              const TrainingPolicy& policy, bool efficiency, RunOutput& out) {
  std::vector<double> jcts, best_effort;
  double gpu_s = 0;
  SimTime first_submit = kForever, last_finish = 0;
  int deadline_jobs = 0, deadline_met = 0, preemptions = 0, rejected = 0;
  for (const auto& j : trace.jobs) {
    const auto& r = res.jobs[j.index];
    first_submit = std::min(first_submit, j.submit);
    gpu_s += r.gpu_time_s;
    preemptions += r.preemptions;
    const bool done = r.status == JobStatus::kFinished;
    if (j.deadline) {
      ++deadline_jobs;
      deadline_met += done && r.finish <= *j.deadline;
    }
    if (done) {
      jcts.push_back(to_seconds(r.finish - j.submit));
      if (j.best_effort) best_effort.push_back(jcts.back());
      last_finish = std::max(last_finish, r.finish);
    }
    rejected += r.status == JobStatus::kRejected;
  }
  out.add_file("jobs.csv", jobs_csv(trace, res, policy.extra_job_columns(trace.jobs.size())));
  out.add_file("cluster.csv", cluster_csv(res, efficiency));

  const double makespan = jcts.empty() ? 0.0 : to_seconds(last_finish - first_submit);
  out.add_metric("jobs", trace.jobs.size());
  out.add_metric("jobs_finished", jcts.size());
  out.add_metric("jobs_rejected", rejected);
  out.add_metric("jct_mean_s", or_null(jcts, [](std::vector<double> v) { return mean(v); }));
  out.add_metric("jct_median_s", or_null(jcts, median));
  out.add_metric("jct_p99_s",
                 or_null(jcts, [](std::vector<double> v) { return percentile_index(v, 0.99); }));
  out.add_metric("makespan_s", jcts.empty() ? json(nullptr) : json(makespan));
  out.add_metric("deadline_jobs", deadline_jobs);
  const json strict =
      deadline_jobs ? json(static_cast<double>(deadline_met) / deadline_jobs) : json(nullptr);
  out.add_metric("deadline_satisfaction", strict);
  // GPUs shared by a group count once.
  out.add_metric("gpu_utilization", makespan > 0 ? json((gpu_s - res.shared_gpu_excess_s) /
                                                        (cluster.total_gpus() * makespan))
                                                 : json(nullptr));
  out.add_metric("preemptions", preemptions);
  if (!best_effort.empty()) out.add_metric("jct_mean_best_effort_s", mean(best_effort));
  if (efficiency && !res.samples.empty()) out.add_metric("efficiency_mean", efficiency_mean(res));
  // A policy that judges deadlines as its artifact does (ElasticFlow: by planned finish,
  // refusals in the denominator) reports deadline_satisfaction_artifact itself; for the others
  // it is the strict count.
  json own = json::object();
  policy.report(own);
  if (!own.contains("deadline_satisfaction_artifact"))
    out.add_metric("deadline_satisfaction_artifact", strict);
  for (auto& [k, v] : own.items())
    out.add_metric(k, v);
}

}  // namespace clustersim
