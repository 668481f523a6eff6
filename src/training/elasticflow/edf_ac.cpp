// edf-ac: the ElasticFlow artifact's `edf-accessctrl` (one_queue_edf_sim_jobs_access_control):
// the `edf` planner (deadline order, greedy maximum share) plus admission control tested one
// arrival at a time: an arrival is admitted only if the EDF plan of every admitted job plus it
// meets every deadline. Overhead is charged like ElasticFlow's (ef.overhead=artifact: cached
// 2 s / uncached 2 + 2(log2 n + 1) s / +27 s on restart rounds, ranks from the artifact's elastic
// placement in EDF order); a job completes at its planned end plus that overhead, or at an
// earlier point where its work is done. deadline_satisfaction_artifact judges the completion
// time against the deadline with refusals in the denominator. Each admitted arrival's plan
// applies at once: a pending job it gives GPUs starts (jobs.csv ef_start_s, the artifact's logged
// start) even if a later arrival of the point takes them back. A lone event of the artifact's
// list is not spaced a slot away (Decision::unspaced_at).
// Known difference: the artifact also force-completes a job that was preempted to 0 GPUs when
// its stale end event fires; here such a job simply resumes later.
// Parameters: ef.slot_s (60), ef.overhead (artifact|none).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/policy.hpp"
#include "training/elasticflow/elasticflow_planner.hpp"

namespace clustersim {
namespace {

using ef::Sec;

class EdfAc final : public TrainingPolicy {
 public:
  explicit EdfAc(const PolicyEnv& env)
      : slot_(ef::slot_param(env.params)), G_(env.cluster.total_gpus()) {
    overhead_ = env.params.get_string("ef.overhead") == "artifact";
    const auto& nodes = env.cluster.nodes();
    gpn_ = nodes.empty() ? 1 : nodes.front().gpus;
    for (const auto& n : nodes) {
      if (n.gpus != gpn_) throw InputError("edf-ac: the artifact's placement needs equal nodes");
    }
    placement_ = std::make_unique<ef::ElasticNodeSets>(static_cast<int>(nodes.size()), gpn_);
  }

  EngineNeeds engine_needs() const override { return ef::artifact_engine_needs(slot_, true); }

  Decision schedule(const SchedulingContext& ctx) override {
    const Sec now = to_sec(ctx.now());
    Decision d;
    for (int i : ctx.completions()) {
      std::erase(runnable_, i);
      std::erase(running_, i);
      if (!ctx.job(i).best_effort && to_sec_ceil(ctx.state(i).finish) > ddl(ctx.job(i))) {
        ++declined_;
        --accepted_;
      }
    }
    for (int i : ctx.arrivals()) {
      if (static_cast<std::size_t>(i) >= st_.size()) st_.resize(i + 1);
    }
    if (!admit(ctx, now, d)) replan(ctx, now);
    mark_cache();
    run_and_charge(d);
    // Every started job keeps an end event, also while it holds no GPUs.
    submits_.read(ctx);
    ends_.clear();
    for (int r : running_)
      ends_.push_back(st_[r].end);
    d.unspaced_at = submits_.lone_event(now, ends_);
    return d;
  }

  void report(nlohmann::json& s) const override {
    s["deadline_satisfaction_artifact"] = ef::artifact_ratio(accepted_, declined_);
  }

  std::vector<JobColumn> extra_job_columns(std::size_t jobs) const override {
    JobColumn c{"ef_start_s", std::vector<std::string>(jobs)};
    for (std::size_t i = 0; i < st_.size() && i < jobs; ++i) {
      if (st_[i].logged_start >= 0) c.values[i] = std::to_string(st_[i].logged_start);
    }
    return {c};
  }

 private:
  struct State {
    int num = 0;
    Sec end = 0;
    Sec logged_start = -1;  // the artifact's start_time
    bool in_cache = false;
  };
  struct Plan {
    int job, gpus;
    Sec end;
  };
  struct PlanAll {
    bool ok = true;
    std::vector<Plan> per_job;
  };
  Sec slot_;
  int G_, gpn_ = 1;
  bool overhead_ = true;
  std::unique_ptr<ef::ElasticNodeSets> placement_;
  std::vector<State> st_;
  std::vector<int> runnable_, running_;
  std::vector<std::pair<int, int>> cache_;
  std::uint64_t count_ = 0;
  int accepted_ = 0, declined_ = 0;
  ef::SubmitTimes submits_;
  std::vector<Sec> ends_;  // scratch

  // Tests the arrivals one at a time; an admitted one's plan of every admitted job applies at
  // once, so the pending jobs it gives GPUs start now (their logged start), even if a later
  // arrival's plan takes the GPUs back. The last admitted plan stands. False if none was admitted.
  bool admit(const SchedulingContext& ctx, Sec now, Decision& d) {
    bool admitted_any = false;
    std::vector<Plan> plans;
    for (int a : ctx.arrivals()) {
      std::vector<int> list = runnable_;
      list.push_back(a);
      auto p = plan(ctx, list, now);
      if (!p.ok) {
        d.reject.push_back(a);
        ++declined_;
        continue;
      }
      admitted_any = true;
      runnable_.push_back(a);
      plans = std::move(p.per_job);
      for (auto& pl : plans)
        st_[pl.job].num = pl.gpus;
      for (int r : runnable_) {
        if (!is_running(r) && st_[r].num > 0) start(ctx, r, now);
      }
    }
    for (auto& pl : plans) {
      st_[pl.job].num = pl.gpus;
      st_[pl.job].end = pl.end;
    }
    return admitted_any;
  }

  // Without an admission: every admitted job replanned in deadline order; a job holding no GPUs
  // keeps its end event where it was.
  void replan(const SchedulingContext& ctx, Sec now) {
    std::stable_sort(runnable_.begin(), runnable_.end(),
                     [&](int x, int y) { return ddl(ctx.job(x)) < ddl(ctx.job(y)); });
    std::vector<int> starting;
    for (auto& pl : plan(ctx, runnable_, now).per_job) {
      st_[pl.job].num = pl.gpus;
      if (pl.gpus > 0) {
        st_[pl.job].end = pl.end;
        if (!is_running(pl.job)) starting.push_back(pl.job);
      }
    }
    for (int s : starting)
      start(ctx, s, now);
  }

  // Ranks under the artifact's elastic placement, in runnable order: seen before or not.
  void mark_cache() {
    std::vector<std::pair<int, int>> jobs;
    for (int r : runnable_) {
      if (st_[r].num > 0) jobs.push_back({r, st_[r].num});
    }
    const auto first = placement_->place(jobs);
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      if (first[k] < 0) throw InvariantError("edf-ac: the artifact's elastic placement failed");
      const std::pair<int, int> key{first[k], jobs[k].second};
      auto& s = st_[jobs[k].first];
      s.in_cache = std::find(cache_.begin(), cache_.end(), key) != cache_.end();
      if (!s.in_cache) cache_.push_back(key);
    }
  }

  // Every running job holding GPUs runs and pays this point's overhead; it completes at its
  // planned end moved by that overhead.
  void run_and_charge(Decision& d) {
    const bool restart = count_ > 0 && count_ % slot_ == 0;
    ++count_;
    if (restart) cache_.clear();
    for (int r : running_) {
      auto& s = st_[r];
      if (s.num <= 0) continue;
      Sec o = 0;
      if (overhead_) {
        o = G_ >= 256 ? 7 : 2;
        if (!s.in_cache)
          o += (restart ? (G_ >= 256 ? 47 : 27) : 0) + 2 * (std::lround(std::log2(s.num)) + 1);
      }
      s.end += o;
      d.run.push_back({r, s.num, {}});
      if (o > 0) plan_for<PlannedEndPlan>(d).overhead.push_back({r, o * kSecond});
      plan_for<PlannedEndPlan>(d).ends.push_back({r, s.end * kSecond, s.end * kSecond});
    }
  }

  void start(const SchedulingContext& ctx, int i, Sec now) {
    running_.push_back(i);
    st_[i].logged_start = now;
    if (!ctx.job(i).best_effort) ++accepted_;
  }
  bool is_running(int i) const {
    return std::find(running_.begin(), running_.end(), i) != running_.end();
  }
  static Sec to_sec(SimTime t) { return ef::whole_seconds(t, "edf-ac"); }
  static Sec to_sec_ceil(SimTime t) { return (t + kSecond - 1) / kSecond; }
  static Sec ddl(const Job& j) { return j.deadline ? to_sec(*j.deadline) : ef::kNoDeadline; }

  PlanAll plan(const SchedulingContext& ctx, std::vector<int> list, Sec now) const {
    std::stable_sort(list.begin(), list.end(),
                     [&](int x, int y) { return ddl(ctx.job(x)) < ddl(ctx.job(y)); });
    ef::FreeTimeline tl;
    tl.pts = {{now, G_}};
    PlanAll out;
    for (int i : list) {
      const Job& job = ctx.job(i);
      ef::PlanJob pj;
      pj.index = i;
      pj.job = &job;
      pj.iter_left = ctx.state(i).remaining();
      pj.ddl = ddl(job);
      pj.columns = ctx.throughput().levels(job);
      for (int g : pj.columns)
        pj.rates.push_back(ctx.throughput().rate(job, g, {}));
      pj.max_gpu = ef::max_gpu_for(job, pj.columns, false, "");
      auto p = ef::edf_plan(pj, now, slot_, G_, tl);
      out.ok = out.ok && p.meets;
      out.per_job.push_back({i, p.gpus_now, p.end});
    }
    return out;
  }
};

const bool registered = register_policy(
    "edf-ac",
    "ElasticFlow artifact's EDF with admission control (edf-accessctrl), per-arrival test",
    [](const PolicyEnv& env) { return std::make_unique<EdfAc>(env); },
    {ef::slot_spec(), ef::overhead_spec()});

}  // namespace
}  // namespace clustersim
