// The `planned-end` progress model (planned_end.hpp): rate-based progress, capped and ended as
// the ElasticFlow artifact's plans say.
#include "clustersim/training/planned_end.hpp"

#include <fmt/format.h>

#include "rate_progress.hpp"

namespace clustersim {
namespace {

class PlannedEnd final : public RateProgress {
 public:
  using RateProgress::RateProgress;

  // Plan-driven jobs whose work is done finish at this point, before the policy sees them.
  void before_policy() override {
    if (plan_end_.empty()) return;
    for (int i : std::vector<int>(host_.active())) {
      if (host_.runtime(i).status == JobStatus::kRunning && plan_end_[i] >= 0 &&
          work_done_at_[i] >= 0 && work_done_at_[i] <= host_.now()) {
        host_.finish_now(i, work_done_log_[i], false);
      }
    }
  }
  void pre_apply(const Decision& d) override {
    plan_ = nullptr;
    if (!d.progress) return;
    plan_ = dynamic_cast<const PlannedEndPlan*>(d.progress.get());
    if (!plan_) host_.policy_bug("the decision's plan is not a planned-end plan");
    for (auto [i, t] : plan_->finish)
      host_.finish_now(i, t, true);
  }
  void post_apply(const Decision&) override {
    if (!plan_end_.empty() || (plan_ && (!plan_->overhead.empty() || !plan_->ends.empty())))
      apply_plan();
  }

 private:
  const PlannedEndPlan* plan_ = nullptr;
  // Per job (allocated on first use; -1 = not plan-driven): forced end, progress cap, when the
  // work is done if before both, the finish recorded for an early completion, and whether the
  // job asked for PlannedEndPlan::End::finish_ignores_overhead.
  std::vector<SimTime> plan_end_, plan_cap_, work_done_at_, work_done_log_;
  std::vector<char> plan_no_overhead_;

  SimTime progress_cap(int i, SimTime now) const override {
    return plan_cap_.empty() || plan_end_[i] < 0 ? now : std::min(now, plan_cap_[i]);
  }
  void reschedule(int i) override {
    const auto& r = host_.runtime(i);
    if (r.rate <= 0) return host_.set_completion(i, kForever);
    const SimTime now = host_.now();
    const SimTime need = work_time(i);
    SimTime t = std::max(now, r.overhead_until) + need;
    if (!plan_end_.empty() && plan_end_[i] >= 0) {
      work_done_at_[i] = t <= plan_cap_[i] ? t : -1;
      work_done_log_[i] = plan_no_overhead_[i] ? now + need : t;
      t = std::max(now, plan_end_[i]);
    }
    host_.set_completion(i, t);
  }
  void apply_plan() {
    const std::size_t n = host_.job_count();
    if (plan_end_.empty()) {
      plan_end_.assign(n, -1);
      plan_cap_.assign(n, -1);
      work_done_at_.assign(n, -1);
      work_done_log_.assign(n, -1);
      plan_no_overhead_.assign(n, 0);
    }
    for (int i : host_.active()) {
      plan_end_[i] = plan_cap_[i] = work_done_at_[i] = work_done_log_[i] = -1;
      plan_no_overhead_[i] = 0;
    }
    auto holds_gpus = [&](int i) {
      return i >= 0 && static_cast<std::size_t>(i) < n &&
             host_.runtime(i).status == JobStatus::kRunning;
    };
    if (plan_) {
      for (const auto& p : plan_->ends) {
        if (!holds_gpus(p.job)) host_.policy_bug("planned end for a job without GPUs");
        plan_end_[p.job] = p.end;
        plan_cap_[p.job] = p.progress_until;
        plan_no_overhead_[p.job] = p.finish_ignores_overhead;
      }
      for (auto [i, s] : plan_->overhead) {
        if (!holds_gpus(i) || s < 0) host_.policy_bug("bad per-point overhead");
        host_.runtime(i).overhead_until = host_.now() + s;
      }
    }
    for (int i : host_.active()) {
      if (host_.runtime(i).status == JobStatus::kRunning) reschedule(i);
    }
  }
};

const bool registered = [] {
  progress_models().add(
      "planned-end",
      "the ElasticFlow artifact: ends and per-point overheads from the policy's plans",
      {[](ProgressHost& host, const Params&) { return std::make_unique<PlannedEnd>(host); },
       false});
  return true;
}();

}  // namespace
}  // namespace clustersim
