// tiresias-ef: the ElasticFlow artifact's Tiresias baseline (`dlas-gpu`, scheduler.py
// dlas_sim_jobs(gputime=True)), distinct from the Tiresias simulator's own `dlas-gpu`.
// Discretised LAS on attained GPU service (executed seconds x GPUs) with three queues: a job
// drops a queue at 3,250 and at 7,200 GPU-seconds (tiresias-ef.queue_limits). Jobs are FIFO
// within a queue (pending jobs move to the back each point), queues are scanned high first,
// and every job that fits at its requested GPU count runs; the others are preempted. No
// starvation promotion. Progress is executed whole seconds against the trace's `duration`; a
// job (re)started at a point loses the uncached ElasticFlow overhead (2 + 2(log2 n + 1) s,
// +27 s on every `slot`-th point, when every running job pays it) from its next interval.
// As in the artifact, only the running jobs with the earliest end form the next end event (at
// least one slot away), and a job ends there even if the overhead left work undone; its end
// time (and its deadline check) is the point plus its remaining duration at that point. The
// last arrival, when it is the only start event left, is handled at its own time, not a slot
// after the previous point (Decision::unspaced_at).
// Parameters: ef.slot_s (60), tiresias-ef.queue_limits (3250,7200).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/policy.hpp"
#include "training/elasticflow/elasticflow_planner.hpp"

namespace clustersim {
namespace {

using ef::Sec;

class TiresiasEf final : public TrainingPolicy {
 public:
  explicit TiresiasEf(const PolicyEnv& env)
      : slot_(ef::slot_param(env.params)), G_(env.cluster.total_gpus()) {
    for (double l : env.params.get_doubles("tiresias-ef.queue_limits"))
      limits_.push_back(static_cast<Sec>(l));
    queues_.resize(limits_.size() + 1);
  }

  EngineNeeds engine_needs() const override { return ef::artifact_engine_needs(slot_, false); }

  Decision schedule(const SchedulingContext& ctx) override {
    const Sec now = to_sec(ctx.now());
    for (int i : ctx.completions()) {
      auto& s = st(i);
      if (!ctx.job(i).best_effort) {
        if (ctx.job(i).deadline && s.end_time > to_sec(*ctx.job(i).deadline))
          ++declined_;
        else
          ++accepted_;
      }
      std::erase(runnable_, i);
      std::erase(queues_[s.q], i);
      s.running = false;
    }
    for (int i : ctx.arrivals()) {
      auto& s = st(i);
      s.q = 0;
      s.last_check = to_sec(ctx.job(i).submit);
      s.duration = static_cast<Sec>(ctx.job(i).duration_s.value_or(0));
      runnable_.push_back(i);
      queues_[0].push_back(i);
    }
    credit_and_demote(ctx, now);
    const bool restart = count_ > 0 && count_ % slot_ == 0;
    ++count_;
    select(ctx, restart);
    Decision d;
    end_event(ctx, now, restart, d);
    Sec jump = kNever;
    for (int i : runnable_) {
      const auto& s = st(i);
      if (!s.running || s.q + 1 >= static_cast<int>(queues_.size())) continue;
      const double g = ctx.job(i).gpus;
      jump = std::min(jump, static_cast<Sec>(std::ceil((limits_[s.q] - s.executed) / g)) + now);
    }
    if (jump != kNever) d.replan_at = seconds(std::max(jump, now + 1));
    // Only start events share the artifact's coalesced list; ends and jumps are a slot away.
    submits_.read(ctx);
    no_others_.clear();
    d.unspaced_at = submits_.lone_event(now, no_others_);
    return d;
  }

  void report(nlohmann::json& s) const override {
    s["deadline_satisfaction_artifact"] = ef::artifact_ratio(accepted_, declined_);
  }

 private:
  static constexpr Sec kNever = std::numeric_limits<Sec>::max();
  struct State {
    int q = 0;
    bool running = false;
    Sec executed = 0, total = 0, last_check = 0, overhead = 0, duration = 0, end_time = 0;
  };
  Sec slot_;
  int G_;
  std::vector<Sec> limits_;
  std::vector<std::vector<int>> queues_;
  std::vector<State> st_;
  std::vector<int> runnable_;
  std::uint64_t count_ = 0;
  int accepted_ = 0, declined_ = 0;
  ef::SubmitTimes submits_;
  std::vector<Sec> no_others_;

  // Running jobs are credited the whole seconds since the last point, less their overhead, and
  // drop a queue once their GPU-time passes its limit.
  void credit_and_demote(const SchedulingContext& ctx, Sec now) {
    for (int i : std::vector<int>(runnable_)) {
      auto& s = st(i);
      if (!s.running) {
        s.last_check = now;
        continue;
      }
      const Sec tmp = std::max<Sec>(now - s.last_check - s.overhead, 0);
      s.total += tmp;
      s.executed += tmp;
      s.last_check = now;
      s.overhead = 0;
      const int q = s.q;
      if (q + 1 < static_cast<int>(queues_.size()) && s.executed * ctx.job(i).gpus >= limits_[q]) {
        s.q = q + 1;
        queues_[q + 1].push_back(i);
        std::erase(queues_[q], i);
      }
    }
  }

  // Queues high first, FIFO within: every job that fits runs (a (re)started one pays the
  // overhead), the others are preempted; pending jobs move to the back of their queue.
  void select(const SchedulingContext& ctx, bool restart) {
    int free = G_;
    std::vector<int> run, preempt;
    for (auto& queue : queues_) {
      for (int i : queue) {
        const int g = ctx.job(i).gpus;
        if (free >= g) {
          if (!st(i).running) {
            run.push_back(i);
            st(i).overhead = overhead_s(g, restart);
          }
          free -= g;
        } else if (st(i).running) {
          preempt.push_back(i);
        }
      }
    }
    for (int i : preempt)
      st(i).running = false;
    for (int i : run)
      st(i).running = true;
    std::stable_sort(runnable_.begin(), runnable_.end(),
                     [&](int a, int b) { return ctx.job(a).gpus > ctx.job(b).gpus; });
    for (auto& queue : queues_) {
      std::stable_partition(queue.begin(), queue.end(), [&](int i) { return st(i).running; });
    }
  }

  // The next end event: the running jobs with the earliest max(now + slot, end time) end there;
  // the others hold GPUs with no end planned.
  void end_event(const SchedulingContext& ctx, Sec now, bool restart, Decision& d) {
    Sec min_event = kNever;
    std::vector<int> group;
    for (int i : runnable_) {
      auto& s = st(i);
      if (!s.running) continue;
      Sec remaining = s.duration - s.total;
      if (restart) {
        s.overhead = overhead_s(ctx.job(i).gpus, true);
        remaining += s.overhead;
      }
      const Sec end_time = now + remaining;
      const Sec ev = std::max(now + slot_, end_time);
      if (ev < min_event) {
        min_event = ev;
        group = {i};
        s.end_time = end_time;
      } else if (ev == min_event) {
        group.push_back(i);
        s.end_time = end_time;
      }
    }
    const SimTime far = ctx.now() + seconds(Sec{1} << 40);
    for (int i : runnable_) {
      if (!st(i).running) continue;
      d.run.push_back({i, ctx.job(i).gpus, {}});
      const bool ends = std::find(group.begin(), group.end(), i) != group.end();
      plan_for<PlannedEndPlan>(d).ends.push_back(
          {i, ctx.now(), ends ? std::max(ctx.now(), seconds(st(i).end_time)) : far});
    }
  }

  State& st(int i) {
    if (static_cast<std::size_t>(i) >= st_.size()) st_.resize(i + 1);
    return st_[i];
  }
  static Sec to_sec(SimTime t) { return ef::whole_seconds(t, "tiresias-ef"); }
  Sec overhead_s(int n, bool restart) const {
    Sec o = G_ >= 256 ? 7 : 2;
    if (restart) o += G_ >= 256 ? 47 : 27;
    return o + 2 * (static_cast<Sec>(std::lround(std::log2(n))) + 1);
  }
};

const bool registered = register_policy(
    "tiresias-ef",
    "ElasticFlow artifact's Tiresias baseline (dlas-gpu: 3-queue discretised LAS on GPU-time)",
    [](const PolicyEnv& env) { return std::make_unique<TiresiasEf>(env); },
    {ef::slot_spec(), param::reals("tiresias-ef.queue_limits", "3250,7200", "GPU-s",
                                   "queue thresholds of the artifact's dlas-gpu", 0)});

}  // namespace
}  // namespace clustersim
