// muri-srtf / muri-srsf: SRTF and SRSF exactly as Muri's simulator runs them (`shortest`,
// `shortest-gpu`): preemptive, the whole allocation re-decided at every event from an empty
// cluster, jobs in ascending remaining time (remaining iterations x isolated iteration time;
// x GPUs for SRSF; a stable sort of the persistent job list, new jobs appended in arrival
// order), each placed with Muri's yarn rule or skipped (backfilling); progress in iterations
// with Muri's per-event restart overhead (see src/training/muri/sim.hpp).
#include <algorithm>

#include "clustersim/training/iteration_clock.hpp"
#include "training/muri/sim.hpp"
#include "clustersim/training/policy.hpp"

namespace clustersim {
namespace {

class MuriShortest final : public TrainingPolicy {
 public:
  MuriShortest(const PolicyEnv& env, bool gputime)
      : gputime_(gputime), yarn_(env.cluster), oh_(env.params) {}

  EngineNeeds engine_needs() const override {
    return {.progress = "iteration-clock", .defaults = {}, .own_placement = true};
  }

  Decision schedule(const SchedulingContext& ctx) override {
    for (int i : ctx.arrivals())
      order_.push_back(i);
    std::erase_if(order_, [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
    std::vector<std::pair<double, int>> keyed;
    keyed.reserve(order_.size());
    for (int i : order_) {
      const Job& j = ctx.job(i);
      double k = muri::remaining_iterations(ctx, i) * muri::isolated_iteration_time(j);
      if (gputime_) k *= j.gpus;
      keyed.emplace_back(k, i);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Decision d;
    auto& plan = plan_for<IterationClockPlan>(d);
    yarn_.reset();
    for (std::size_t k = 0; k < keyed.size(); ++k) {
      const int i = keyed[k].second;
      order_[k] = i;
      const Job& j = ctx.job(i);
      auto where = yarn_.place(j.gpus);
      if (!where) continue;
      Assignment a{i, j.gpus, std::move(*where)};
      plan.set(i, muri::isolated_iteration_time(j), oh_.seconds(j.gpus, j.model));
      d.run.push_back(std::move(a));
    }
    return d;
  }

 private:
  bool gputime_;
  muri::YarnPlacer yarn_;
  muri::RestartOverheads oh_;
  std::vector<int> order_;
};

const bool registered_srtf = register_policy(
    "muri-srtf", "SRTF as in Muri's simulator (iterations, per-event overhead, yarn)",
    [](const PolicyEnv& env) { return std::make_unique<MuriShortest>(env, false); },
    muri::RestartOverheads::specs());
const bool registered_srsf = register_policy(
    "muri-srsf", "SRSF as in Muri's simulator (remaining GPU-time, per-event overhead, yarn)",
    [](const PolicyEnv& env) { return std::make_unique<MuriShortest>(env, true); },
    muri::RestartOverheads::specs());

}  // namespace
}  // namespace clustersim
