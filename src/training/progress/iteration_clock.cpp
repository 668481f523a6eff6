// The `iteration-clock` progress model (iteration_clock.hpp): Muri's expressions and evaluation
// order, bit for bit.
#include "clustersim/training/iteration_clock.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace clustersim {
namespace {

constexpr double kForeverSeconds = std::numeric_limits<double>::infinity();

class IterationClock final : public ProgressModel, public IterationClockState {
 public:
  IterationClock(ProgressHost& host, const Params& p)
      : host_(host),
        jobs_(host.job_count()),
        entry_(host.job_count(), nullptr),
        merge_end_near_arrival_(p.get_bool("progress.merge_end_near_arrival")),
        earliest_end_only_(p.get_bool("progress.earliest_end_only")) {}

  const ClockJob& clock_job(int i) const override { return jobs_[i]; }
  double clock_s() const override { return xnow_; }

  void arrive(int i) override {
    jobs_[i].iterations_left = host_.job(i).iterations;
    xarrival_ = true;  // an arrival's time wins, as in Muri's event loop
  }
  void completing(int i) override {
    xbatch_ = std::min(xbatch_, jobs_[i].end_s);
    xnow_ = jobs_[i].end_s;
  }
  void begin_point() override {
    const double x = std::min(xbatch_, xwake_);
    xnow_ = xarrival_ || !(x < kForeverSeconds) ? to_seconds(host_.now()) : x;
    xbatch_ = xwake_ = kForeverSeconds;
    xarrival_ = false;
  }
  void bank(int i) override {
    auto& r = host_.runtime(i);
    auto& c = jobs_[i];
    if (r.status == JobStatus::kRunning) {
      const double dt = std::max(xnow_ - c.clock_s - std::max(c.event_overhead_s, 0.0), 0.0);
      c.iterations_left -= dt / c.iteration_time_s;
      c.run_s = c.run_s + xnow_ - c.clock_s;
      const double iters = host_.job(i).iterations;
      r.work_done = r.work_total * (1 - std::max(c.iterations_left, 0.0) / iters);
    }
    c.clock_s = xnow_;
  }
  void pre_apply(const Decision& d) override {
    static const IterationClockPlan kNone;  // a decision that runs nothing needs no plan
    plan_ = d.progress ? dynamic_cast<const IterationClockPlan*>(d.progress.get()) : &kNone;
    if (!plan_) host_.policy_bug("the decision's plan is not an iteration-clock plan");
    for (const auto& e : plan_->jobs) {
      if (e.job < 0 || static_cast<std::size_t>(e.job) >= entry_.size())
        host_.policy_bug(fmt::format("iteration-clock plan for unknown job {}", e.job));
      entry_[e.job] = &e;
    }
  }
  void keep(int i, const Assignment&) override { assign(i); }
  void start(int i, const Assignment&, SimTime) override {
    host_.runtime(i).overhead_until = host_.now();
    assign(i);
  }
  void preempt(int i) override { jobs_[i].event_overhead_s = -1; }
  void post_apply(const Decision& d) override {
    if (earliest_end_only_)
      schedule_earliest_end(d);
    else
      schedule_ends(d);
    for (const auto& e : plan_->jobs)
      entry_[e.job] = nullptr;
    if (plan_->wake_at_s < kForeverSeconds) {
      const double w = plan_->wake_at_s;
      if (!(w > xnow_)) host_.policy_bug("exact wake-up time is not after this point");
      host_.wake_at(std::max(host_.now(), ceil_seconds(w)), d.wake_replaces_previous,
                    [this, w] { xwake_ = std::min(xwake_, w); });
    }
  }

 private:
  ProgressHost& host_;
  std::vector<ClockJob> jobs_;
  std::vector<const IterationClockPlan::Entry*> entry_;  // this decision's, by job
  const IterationClockPlan* plan_ = nullptr;
  bool merge_end_near_arrival_, earliest_end_only_;
  // The exact time of the current point, and what the events since the previous point say it is.
  double xnow_ = 0;
  double xbatch_ = kForeverSeconds;
  double xwake_ = kForeverSeconds;  // exact time of a wake-up that fired
  bool xarrival_ = false;
  std::vector<std::pair<double, int>> ends_;  // (time, listing order), sorted by time

  // The assignment's iteration time and overhead; rate and predicted end at this point.
  void assign(int i) {
    const Job& job = host_.job(i);
    const auto* e = entry_[i];
    if (!e || !(e->iteration_time_s > 0))
      host_.policy_bug(fmt::format("job {} has no iteration time (iteration clock)", job.id));
    auto& r = host_.runtime(i);
    auto& c = jobs_[i];
    c.iteration_time_s = e->iteration_time_s;
    c.event_overhead_s = e->event_overhead_s;
    const double rate = r.work_total / job.iterations / c.iteration_time_s;
    if (!(rate > 0))
      host_.policy_bug(fmt::format("job {} has no throughput on {} GPUs", job.id, r.gpus));
    r.rate = rate;
    c.end_s = xnow_ + c.iterations_left * c.iteration_time_s;
  }

  // Muri's end events. In the decision's order, each running job joins the first listed end
  // within math.isclose(rel_tol=1e-9) of its own (Muri's util.search_dict_list), ending at that
  // time, else lists its own. An end near the next arrival (merge_end_near_arrival) happens at
  // the arrival.
  void schedule_ends(const Decision& d) {
    ends_.clear();
    const auto close = [](double a, double b) {
      return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    };
    for (const auto& a : d.run) {
      auto& c = jobs_[a.job];
      double e = c.end_s;
      const double tol = 2e-9 * std::fabs(e);
      auto it = std::lower_bound(ends_.begin(), ends_.end(), std::make_pair(e - tol, -1));
      int first = -1;
      for (auto j = it; j != ends_.end() && j->first <= e + tol; ++j) {
        if (close(j->first, e) && (first < 0 || j->second < ends_[first].second))
          first = static_cast<int>(j - ends_.begin());
      }
      if (first >= 0)
        e = ends_[first].first;
      else
        ends_.insert(it, {e, static_cast<int>(ends_.size())});
      c.end_s = e;
      SimTime t = std::max(host_.now(), ceil_seconds(e));
      const SimTime at = host_.next_arrival();
      if (merge_end_near_arrival_ && at != kForever) {
        // math.isclose(end, arrival, abs_tol=1e-4): within 1e-4 s or 1e-9 relative.
        const double as = to_seconds(at);
        if (at >= host_.now() && std::fabs(e - as) <= std::max(1e-9 * std::max(e, as), 1e-4))
          t = at;
      }
      host_.set_completion(a.job, t);
    }
  }

  // progress.earliest_end_only: only the jobs whose exact end equals the earliest one get a
  // completion event, and none if an arrival or the exact wake-up comes strictly first (that
  // point re-predicts every end).
  void schedule_earliest_end(const Decision& d) {
    double first = kForeverSeconds;
    for (const auto& a : d.run)
      first = std::min(first, jobs_[a.job].end_s);
    SimTime t = std::max(host_.now(), ceil_seconds(first));
    bool ends = first < kForeverSeconds && !(plan_->wake_at_s < first);
    const SimTime at = host_.next_arrival();
    if (ends && at != kForever) {
      const double as = to_seconds(at);
      if (as < first) ends = false;
      if (as == first) t = at;
    }
    for (const auto& a : d.run)
      host_.set_completion(a.job, ends && jobs_[a.job].end_s == first ? t : kForever);
  }
};

const bool registered = [] {
  progress_models().add(
      "iteration-clock",
      "Muri's simulator: iterations on its double-precision clock, per-event restart overhead",
      {[](ProgressHost& host, const Params& p) {
         return std::make_unique<IterationClock>(host, p);
       },
       false},
      {param::flag("progress.merge_end_near_arrival", false,
                   "an end within 1e-4 s of the next arrival happens at the arrival (Muri's "
                   "multi-resource loop)"),
       param::flag("progress.earliest_end_only", false,
                   "only the earliest exact end happens next, the others are re-predicted then "
                   "(Muri's dlas loop)")});
  return true;
}();

}  // namespace

const ClockJob& clock_job(const SchedulingContext& ctx, int index) {
  const auto* state = dynamic_cast<const IterationClockState*>(&ctx.progress());
  if (!state) throw InvariantError("the run's progress model is not the iteration clock");
  return state->clock_job(index);
}

}  // namespace clustersim
