#include "clustersim/balancing/mp4.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/pipeline.hpp"

namespace clustersim::balancing {

Mp4Timeline read_mp4_timeline(const std::string& path) {
  CsvReader csv(path);
  const auto policy = csv.require({"policy"});
  const auto index = csv.require({"sample_index"});
  const auto pending = csv.require({"pending_jobs_local_node"});
  const auto total = csv.require({"reported_total_time_s"});
  Mp4Timeline t;
  t.path = path;
  while (csv.next()) {
    auto& list = t.pending[csv.field(policy)];
    if (csv.get_int(index) != static_cast<std::int64_t>(list.size()))
      csv.fail("column 'sample_index': samples must be numbered 0, 1, ... per policy");
    const auto q = csv.get_int(pending);
    if (q < 0 || q > 1'000'000'000)
      csv.fail("column 'pending_jobs_local_node': must be in 0..1000000000");
    list.push_back(static_cast<int>(q));
    t.total_s[csv.field(policy)] = csv.get_double(total);
  }
  // fit_mp4 reads samples 0..10 of each timeline.
  for (const char* p : {"sender", "receiver", "symmetric"})
    if (t.pending[p].size() < Mp4Timeline::kMinSamples)
      throw InputError(path, 0,
                       fmt::format("the timeline of '{}' has {} samples; fitting needs {}", p,
                                   t.pending[p].size(), Mp4Timeline::kMinSamples));
  if (!t.total_s.count("sender") || !(t.total_s["sender"] > 0))
    throw InputError(path, 0, "column 'reported_total_time_s': sender's total must be positive");
  return t;
}

namespace {

// Mean drop per sample over the steady drain after the bootstrap (samples 2.. while the drop is
// at least half the median drop of samples 3..10).
double drain_per_sample(const std::vector<int>& q) {
  std::vector<int> early;
  for (std::size_t i = 3; i <= 10; ++i)
    early.push_back(q[i - 1] - q[i]);
  std::sort(early.begin(), early.end());
  const double median = (early[3] + early[4]) / 2.0;
  std::size_t end = 2;
  while (end + 1 < q.size() && q[end] - q[end + 1] >= median / 2)
    ++end;
  if (end == 2) return 0;  // no drain: fit_mp4 refuses the timeline
  return static_cast<double>(q[2] - q[end]) / static_cast<double>(end - 2);
}

double sender_total(const Mp4Fit& f) {
  RunConfig cfg;
  cfg.family = "balancing";
  cfg.policy = "origin";
  for (const auto& s : f.settings("sender"))
    cfg.params.set_from_string(s);
  return execute_run(cfg).summary["makespan_s"].get<double>();
}

}  // namespace

Mp4Fit fit_mp4(const Mp4Timeline& t) {
  Mp4Fit f;
  double drop = 0, first = 0;
  for (const char* p : {"sender", "receiver", "symmetric"}) {
    drop += drain_per_sample(t.pending.at(p)) / 3;
    first += (t.pending.at(p)[0] - t.pending.at(p)[1]) / 3.0;
  }
  if (!(drop > 0) || !(first > drop))
    throw InputError(t.path, 0,
                     "the timelines do not drain (a positive drop per sample after the "
                     "bootstrap, and a larger first drop, are needed to fit the model)");
  f.local_s = t.period_s / drop;
  f.transfer_s = t.period_s / (first - drop);
  // The sender run's total falls as the remote gets faster.
  const double target = t.total_s.at("sender");
  double lo = 0.05, hi = 4;
  for (int i = 0; i < 40; ++i) {
    f.remote_speed = std::sqrt(lo * hi);
    (sender_total(f) > target ? lo : hi) = f.remote_speed;
  }
  f.remote_speed = std::sqrt(lo * hi);
  return f;
}

std::vector<std::string> Mp4Fit::settings(const std::string& migration) const {
  std::vector<std::string> out = {"cluster.nodes=2",
                                  fmt::format("cluster.speeds=1,{:.6g}", remote_speed),
                                  "link.latency_s=0.001",
                                  "workload=batch",
                                  "workload.tasks=1024",
                                  "workload.origin=n0",
                                  fmt::format("service.mean_s={:.6g}", local_s),
                                  "state.period_s=2",
                                  fmt::format("transfer.task_s={:.6g}", transfer_s),
                                  "bootstrap.fraction=0.5",
                                  "bootstrap.min_tasks=8",
                                  "transfer.return_results=true"};
  if (migration.empty()) return out;  // what the three policies share
  out.insert(out.begin() + 7, "migration=" + migration);
  // The report's thresholds, for the rules the policy applies.
  if (migration == "sender" || migration == "symmetric") out.push_back("migration.max=100");
  if (migration == "receiver" || migration == "symmetric") out.push_back("migration.min=50");
  return out;
}

}  // namespace clustersim::balancing
