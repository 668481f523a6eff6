// Shared by the Tiresias-simulator policies (sjf, srtf, srsf, dlas*): not a public header.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

#include "clustersim/training/policy.hpp"

namespace clustersim::tiresias {

/// Remaining exclusive run time in seconds at the requested GPU count: remaining work divided by
/// the rate at job.gpus (the duration model's rate there is 1, so this is duration - executed).
inline double remaining_seconds(const SchedulingContext& ctx, int i) {
  const Job& job = ctx.job(i);
  const double rate = ctx.throughput().rate(job, job.gpus, {});
  const double rem = ctx.state(i).remaining();
  return rate > 0 ? rem / rate : rem;
}

/// The preemptive schedules of the Tiresias simulator (`sjf`, `shortest`, `shortest-gpu`): a
/// persistent list of runnable jobs (arrivals appended, completions removed) is stably sorted by
/// `key` at every event, so ties keep the order of the previous event (initially arrival order).
/// The cluster is then emptied and jobs are re-placed greedily in that order with the run's
/// placement scheme, skipping jobs that do not fit; running jobs left out are preempted.
class StableOrderPolicy : public TrainingPolicy {
 public:
  using Key = std::function<double(const SchedulingContext&, int)>;
  explicit StableOrderPolicy(Key key) : key_(std::move(key)) {}

  Decision schedule(const SchedulingContext& ctx) override {
    std::erase_if(runnable_, [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
    for (int i : ctx.arrivals())
      runnable_.push_back(i);
    std::vector<std::pair<double, int>> keyed;
    keyed.reserve(runnable_.size());
    for (int i : runnable_)
      keyed.emplace_back(key_(ctx, i), i);
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Decision d;
    ClusterState free = ClusterState::empty_of(ctx.cluster());
    for (std::size_t k = 0; k < keyed.size(); ++k) {
      const int i = keyed[k].second;
      runnable_[k] = i;
      const Job& job = ctx.job(i);
      if (auto where = ctx.placement().place(job, job.gpus, free))
        d.run.push_back({i, job.gpus, *where});
    }
    return d;
  }

 private:
  Key key_;
  std::vector<int> runnable_;
};

}  // namespace clustersim::tiresias
