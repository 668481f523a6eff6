// muri-tiresias: Tiresias' discretised 2D-LAS (`dlas-gpu`) exactly as Muri's simulator runs it
// (the "Tiresias" baseline of all Muri figures): 3 queues with limits 3250 and 7200 GPU-seconds
// of attained service (wall time run x GPUs), new jobs at the end of Q0, a running job demoted
// at most one queue per event (to the end of the next queue, in arrival order), starvation knob
// off; allocation by GPU counting only, walking the queues in order and skipping jobs that do
// not fit (backfilling); in every queue running jobs are then moved ahead of pending ones.
// Muri's copy adds iteration-based progress with the per-event restart overhead and schedules a
// "jump" event at now + ceil(limit / GPUs) - run time for each running job not in the last
// queue (an event like any other: overhead is charged there too).
// Exactness needs Muri's float clock and its dlas event loop (EngineNeeds::earliest_end_only):
// only the earliest exact end happens next, so two jobs whose ends differ in the last bit end
// at two events and the later one is charged its overhead at the first; a jump is an event at
// its exact time, and when it leaves the run time a rounding error short of the limit (3250.0
// then 3250.0000000000014 s) a second jump follows at once.
// Parameters: muri.tiresias.limits (default "3250,7200") plus the muri.overhead* keys.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/iteration_clock.hpp"
#include "training/muri/sim.hpp"
#include "clustersim/training/policy.hpp"

namespace clustersim {
namespace {

class MuriTiresias final : public TrainingPolicy {
 public:
  explicit MuriTiresias(const PolicyEnv& env) : oh_(env.params) {
    auto l = env.params.get_doubles("muri.tiresias.limits");
    if (l.size() != 2 || !(l[0] > 0) || !(l[1] > l[0])) {
      throw InputError("muri.tiresias.limits must be two increasing positive GPU-second limits");
    }
    limits_ = {l[0], l[1]};
  }

  // Muri's dlas event loop on its float clock, with Muri's per-event restart overheads
  // (muri.overhead*), not the run's overhead model.
  EngineNeeds engine_needs() const override {
    return {.progress = "iteration-clock", .defaults = {{"progress.earliest_end_only", "true"}}};
  }

  Decision schedule(const SchedulingContext& ctx) override {
    auto gone = [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    };
    std::erase_if(runnable_, gone);
    for (auto& q : queues_)
      std::erase_if(q, gone);
    for (int i : ctx.arrivals()) {
      if (qid_.size() <= static_cast<std::size_t>(i)) qid_.resize(i + 1, 0);
      runnable_.push_back(i);
      queues_[0].push_back(i);
      qid_[i] = 0;
    }
    // Demotion of jobs that ran since the previous event, in arrival order.
    for (int i : runnable_) {
      const auto& r = ctx.state(i);
      if (r.status != JobStatus::kRunning) continue;
      const int q = qid_[i];
      if (q >= 2) continue;
      if (clock_job(ctx, i).run_s * ctx.job(i).gpus >= limits_[q]) {
        auto& from = queues_[q];
        from.erase(std::find(from.begin(), from.end(), i));
        queues_[q + 1].push_back(i);
        qid_[i] = q + 1;
      }
    }
    Decision d;
    auto& plan = plan_for<IterationClockPlan>(d);
    int free = ctx.cluster().total_gpus();
    run_.assign(qid_.size(), 0);
    for (const auto& q : queues_) {
      for (int i : q) {
        const Job& j = ctx.job(i);
        if (free < j.gpus) continue;
        free -= j.gpus;
        run_[i] = 1;
        Assignment a{i, j.gpus, {}};
        plan.set(i, muri::isolated_iteration_time(j), oh_.seconds(j.gpus, j.model));
        d.run.push_back(std::move(a));
      }
    }
    for (auto& q : queues_) {
      std::stable_partition(q.begin(), q.end(), [&](int i) { return run_[i] != 0; });
    }
    // Next queue jump among the jobs that run from now on (Muri's expression, in its order).
    double jump = std::numeric_limits<double>::infinity();
    for (const auto& a : d.run) {
      const int q = qid_[a.job];
      if (q >= 2) continue;
      jump = std::min(jump,
                      std::ceil(limits_[q] / a.gpus) - clock_job(ctx, a.job).run_s + ctx.clock_s());
    }
    // A jump not after this point would repeat it forever in the original; never seen.
    if (jump <= ctx.clock_s()) jump = std::nextafter(ctx.clock_s(), HUGE_VAL);
    plan.wake_at_s = jump;
    d.wake_replaces_previous = true;
    return d;
  }

 private:
  muri::RestartOverheads oh_;
  std::array<double, 2> limits_{};
  std::vector<int> runnable_;
  std::array<std::vector<int>, 3> queues_;
  std::vector<int> qid_;
  std::vector<char> run_;
};

const bool registered = register_policy(
    "muri-tiresias",
    "Tiresias dlas-gpu as in Muri's simulator (fixed jump, per-event overhead, GPU counting)",
    [](const PolicyEnv& env) { return std::make_unique<MuriTiresias>(env); },
    [] {
      auto specs = muri::RestartOverheads::specs();
      specs.push_back(param::reals("muri.tiresias.limits", "3250,7200", "GPU-s",
                                   "the two queue limits of Muri's dlas-gpu", 0));
      return specs;
    }());

}  // namespace
}  // namespace clustersim
