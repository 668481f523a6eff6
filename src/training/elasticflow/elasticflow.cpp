// elasticflow: the ElasticFlow artifact's `ef-accessctrl` (ASPLOS'23, scheduler.py
// ef_sim_jobs_access_control), replayed on the engine.
//  * Admission: when jobs arrive, every live job plus the arrivals is planned in deadline order
//    with its minimum satisfactory share (ef_plan); if any plan misses its deadline, every
//    arrival of the point is refused (best-effort arrivals are queued instead).
//  * Every point: all live jobs are replanned the same way; each gets its planned GPUs now;
//    leftover GPUs go one level at a time to the job with the highest "marginal GPU-time"; a
//    grant moves the job's end event and (ef.version=04a0109, the default) its planned real end
//    to the raised plan's; ef.version=0d29ad9 keeps the lower level's real end.
//  * A job completes at its plan's slot-aligned end plus the overheads charged since (the
//    artifact's end event), or earlier at a point where its work is done; it makes no progress
//    past its planned real end (planned-end progress).
//  * Overhead (ef.overhead=artifact): at every point every job holding GPUs loses 2 s (7 s on
//    >= 256 GPUs) if its GPU ranks under the artifact's elastic placement were seen before, else
//    2 + 2(log2 n + 1) s, +27 s (+20 s more on >= 256 GPUs) on every `slot`-th point, when the
//    rank cache is also cleared. ef.overhead=none charges nothing.
//  * Deadlines: summary.json deadline_satisfaction_artifact counts a job as met by its planned
//    real end (the artifact's rule, refusals in the denominator); deadline_satisfaction is the
//    engine's strict count by simulated finish.
//  * A job whose work is done before its end event completes at the next point; its finish is
//    recorded as (previous point + whole seconds its work needed), without the overhead paid in
//    between (jobs.run_all_jobs; ef.early_finish=artifact, the default), or including it
//    (ef.early_finish=exact). elasticflow-noac judges deadlines by this finish, as the artifact.
//  * The next point is the artifact's next event, one slot away at the earliest unless it is
//    the only event left (Decision::unspaced_at).
// elasticflow-noac is the artifact's `ef`: same planner without admission control; a job is met
// if its (slot-aligned, overhead-extended) end is within the deadline.
// Parameters: ef.slot_s (60), ef.version (04a0109|0d29ad9), ef.overhead (artifact|none),
// ef.early_finish (artifact|exact), gpu_type (T4 selects the T4 caps of models.get_max_gpu,
// anything else the A100 ones).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/policy.hpp"
#include "training/elasticflow/elasticflow_planner.hpp"

namespace clustersim {
namespace {

using ef::Sec;
constexpr double kMaxMarginal = 9.223372036854775807e18;  // the artifact's sys.maxsize

class ElasticFlow final : public TrainingPolicy {
 public:
  ElasticFlow(const PolicyEnv& env, bool admission)
      : admission_(admission),
        slot_(ef::slot_param(env.params)),
        gpu_type_(env.params.get_string("gpu_type")),
        G_(env.cluster.total_gpus()) {
    overhead_ = env.params.get_string("ef.overhead") == "artifact";
    artifact_early_finish_ = env.params.get_string("ef.early_finish") == "artifact";
    grant_real_end_ = env.params.get_string("ef.version") == "04a0109";
    const auto& nodes = env.cluster.nodes();
    if (nodes.empty()) throw InputError("elasticflow: empty cluster");
    gpn_ = nodes.front().gpus;
    for (const auto& n : nodes) {
      if (n.gpus != gpn_)
        throw InputError("elasticflow: the artifact's placement needs equal nodes");
    }
    placement_ = std::make_unique<ef::ElasticNodeSets>(static_cast<int>(nodes.size()), gpn_);
  }

  EngineNeeds engine_needs() const override { return ef::artifact_engine_needs(slot_, true); }

  Decision schedule(const SchedulingContext& ctx) override {
    const Sec now = to_sec(ctx.now());
    ensure(ctx);
    Decision d;
    events_.erase(events_.begin(), events_.upper_bound(now));  // consumed by this point
    for (int i : ctx.completions()) {
      // A job that finished early (its work done before its end event) leaves that event.
      if (js_[i].end > now) leave_event(i, js_[i].end, now);
      on_complete(ctx, i);
    }
    if (runnable_.empty() && ctx.arrivals().empty() && ctx.completions().empty()) return d;
    replan(ctx, now, d);
    start_planned(ctx, now);
    allocate_free_gpus(ctx, now);
    file_scale_event(ctx, now);
    run_and_charge(ctx, now, d);
    // The next of the artifact's queued events (planned ends of jobs without GPUs, scale events).
    if (!events_.empty()) d.replan_at = events_.begin()->first * kSecond;
    others_.clear();
    for (const auto& e : events_)
      others_.push_back(e.first);
    d.unspaced_at = submits_.lone_event(now, others_);
    return d;
  }

  void report(nlohmann::json& s) const override {
    s["deadline_satisfaction_artifact"] = ef::artifact_ratio(accepted_, declined_);
    s["ef_accepted"] = accepted_;
    s["ef_admission_refusals"] = refused_;
    s["ef_declined"] = declined_;
    s["ef_stall_fixes"] = stall_fixes_;
  }

 private:
  static constexpr Sec kNever = std::numeric_limits<Sec>::max();
  // The artifact leaves such a job stuck until its end event happens to come before the next
  // point; after this many points in a row we assume it never would (an endless loop there).
  static constexpr int kStallPoints = 200;
  struct JobState {
    bool init = false;
    ef::PlanJob pj;
    ef::FreeTimeline alloc;
    Sec end = 0, real_end = 0;
    int num = 0, next = 0;
    double marginal = 0;
    bool in_cache = false, started = false;
    bool held = false;     // held GPUs since the previous point
    Sec prev_end = 0;      // end event time after the previous point (the artifact's old_end_time)
    double last_left = 0;  // remaining work at the previous point
    int stalls = 0;        // consecutive points without progress while holding GPUs
  };
  bool admission_;
  Sec slot_;
  std::string gpu_type_;
  int G_, gpn_ = 1;
  bool overhead_ = true;
  bool artifact_early_finish_ = true;
  bool grant_real_end_ = true;  // a leftover-GPU grant also moves the planned real end (04a0109)
  std::unique_ptr<ef::ElasticNodeSets> placement_;
  std::vector<JobState> js_;
  std::vector<int> runnable_, pending_, running_;
  ef::FreeTimeline tl_;
  ef::FreeTimeline tmp_;                    // scratch: tl_ with one job's plan given back
  ef::EfPlan plan_;                         // scratch plan
  std::vector<std::pair<int, int>> cache_;  // seen (first rank, GPUs)
  std::map<Sec, std::vector<int>> events_;  // the artifact's future events: time -> planned ends
  std::set<Sec> submit_times_;
  bool submits_read_ = false;
  ef::SubmitTimes submits_;
  std::vector<Sec> others_;  // scratch
  std::uint64_t count_ = 0;
  int accepted_ = 0, declined_ = 0, refused_ = 0;
  std::uint64_t stall_fixes_ = 0;

  static Sec to_sec(SimTime t) { return ef::whole_seconds(t, "elasticflow"); }
  static Sec to_sec_or_never(SimTime t) { return t == kForever ? kNever : to_sec(t); }

  Sec overhead_s(int n, bool restart, bool cached) const {
    Sec o = G_ >= 256 ? 7 : 2;
    if (cached) return o;
    if (restart) o += G_ >= 256 ? 47 : 27;
    return o + 2 * (static_cast<Sec>(std::lround(std::log2(n))) + 1);
  }

  void ensure(const SchedulingContext& ctx) {
    submits_.read(ctx);
    if (!submits_read_) {
      submits_read_ = true;
      for (std::size_t i = 0; i < ctx.job_count(); ++i)
        submit_times_.insert(to_sec(ctx.job(static_cast<int>(i)).submit));
    }
    for (int i : ctx.arrivals()) {
      if (static_cast<std::size_t>(i) >= js_.size()) js_.resize(i + 1);
      auto& s = js_[i];
      const Job& job = ctx.job(i);
      s.init = true;
      s.pj.index = i;
      s.pj.job = &job;
      s.pj.ddl = job.deadline ? to_sec(*job.deadline) : ef::kNoDeadline;
      s.pj.columns = ctx.throughput().levels(job);
      if (s.pj.columns.empty())
        throw InputError(fmt::format("elasticflow: job '{}' has no usable GPU level", job.id));
      for (int g : s.pj.columns)
        s.pj.rates.push_back(ctx.throughput().rate(job, g, {}));
      s.pj.max_gpu = ef::max_gpu_for(job, s.pj.columns, true, gpu_type_);
    }
  }

  void sort_by_ddl(std::vector<int>& v) const {
    std::stable_sort(v.begin(), v.end(),
                     [&](int a, int b) { return js_[a].pj.ddl < js_[b].pj.ddl; });
  }

  void on_complete(const SchedulingContext& ctx, int i) {
    std::erase(runnable_, i);
    std::erase(running_, i);
    std::erase(pending_, i);
    const Job& job = ctx.job(i);
    if (job.best_effort) return;
    const Sec judged = admission_ ? js_[i].real_end : to_sec_ceil(ctx.state(i).finish);
    if (judged > js_[i].pj.ddl) {
      ++declined_;
      --accepted_;
    }
  }
  static Sec to_sec_ceil(SimTime t) { return (t + kSecond - 1) / kSecond; }

  void start(int p, const SchedulingContext& ctx) {
    std::erase(pending_, p);
    running_.push_back(p);
    js_[p].started = true;
    if (!ctx.job(p).best_effort) ++accepted_;
  }

  // The artifact's event list (jobs.py change_job_end_event and friends), kept only to know
  // when its next scheduling point comes: an event is dropped when the last planned end leaves
  // it and it has no arrivals, even if a scale event had been filed there.
  bool has_start(Sec t, Sec now) const { return t > now && submit_times_.count(t); }
  void leave_event(int i, Sec t, Sec now) {
    auto it = events_.find(t);
    if (it == events_.end()) return;
    std::erase(it->second, i);
    if (it->second.empty() && !has_start(t, now)) events_.erase(it);
  }
  void move_end(int i, Sec old_end, Sec new_end, Sec now) {
    if (old_end == new_end) return;
    leave_event(i, old_end, now);
    auto& ends = events_[new_end];
    if (std::find(ends.begin(), ends.end(), i) == ends.end()) ends.push_back(i);
  }
  void scale_event(const ef::FreeTimeline& alloc, Sec now) {
    for (auto& [t, g] : alloc.pts) {
      if (t > now) {
        events_[t];
        break;
      }
    }
  }

  bool plan_all(const SchedulingContext& ctx, const std::vector<int>& list, Sec now) {
    tl_.pts.assign(1, {now, G_});
    bool ok = true;
    for (int i : list) {
      auto& s = js_[i];
      s.pj.iter_left = ctx.state(i).remaining();
      ef::ef_plan(s.pj, now, slot_, G_, tl_, -1, plan_);
      std::swap(tl_.pts, plan_.timeline.pts);
      std::swap(s.alloc.pts, plan_.alloc.pts);
      s.end = plan_.end;
      s.real_end = plan_.real_end;
      ok = ok && plan_.meets;
    }
    return ok;
  }

  // tmp_ = tl_ with the job's planned GPUs before its end given back, merged (the artifact's
  // copy-and-add in get_marginal, done as one sweep over both step functions). With `until`,
  // stops after the first breakpoint at or after it (keeping at least two).
  void give_back(const JobState& s, Sec until = std::numeric_limits<Sec>::max()) {
    const auto& a = tl_.pts;
    const auto& b = s.alloc.pts;
    auto& out = tmp_.pts;
    out.clear();
    std::size_t i = 0, k = 0;
    bool end_done = false;
    int fv = G_, av = 0;  // tl_ and the allocation at the current time
    while (i < a.size() || k < b.size() || !end_done) {
      Sec t = std::numeric_limits<Sec>::max();
      if (i < a.size()) t = std::min(t, a[i].first);
      if (k < b.size()) t = std::min(t, b[k].first);
      if (!end_done) t = std::min(t, s.end);
      while (i < a.size() && a[i].first == t)
        fv = a[i++].second;
      while (k < b.size() && b[k].first == t)
        av = b[k++].second;
      if (t == s.end) end_done = true;
      const int v = t < s.end ? fv + av : fv;
      if (out.empty() || out.back().second != v) {
        out.push_back({t, v});
        if (t >= until && out.size() >= 2) break;
      }
    }
  }

  // The job's plan with `next` GPUs from now on (the artifact's candidate in get_marginal), in
  // plan_.
  void plan_next(const JobState& s, Sec now) {
    give_back(s);
    ef::ef_plan(s.pj, now, slot_, G_, tmp_, s.next, plan_);
  }

  void get_marginal(JobState& s, int allocatable, Sec now) {
    if (s.next - s.num > allocatable || s.next == s.num) {
      s.marginal = -kMaxMarginal;
      return;
    }
    // A plan that is not a fallback reads the timeline only up to the job's aligned deadline
    // (and its second breakpoint), so the score is computed on that window first.
    give_back(s, ef::align(now, s.pj.ddl, slot_));
    ef::ef_plan(s.pj, now, slot_, G_, tmp_, s.next, plan_);
    if (plan_.fallback) plan_next(s, now);
    s.marginal = (plan_.gpu_time - ef::allocation_time(s.alloc, s.end)) / (s.next - s.num);
    if (s.num == 0) s.marginal = kMaxMarginal;
  }

  void sort_by_marginal() {
    std::stable_sort(runnable_.begin(), runnable_.end(),
                     [&](int a, int b) { return js_[a].marginal > js_[b].marginal; });
  }

  void allocate_free_gpus(const SchedulingContext& ctx, Sec now) {
    int used = 0;
    for (int r : runnable_) {
      js_[r].next = ef::next_level(js_[r].pj, js_[r].num);
      used += js_[r].num;
    }
    int allocatable = G_ - used;
    if (allocatable < 0 || tl_.pts.front().first != now || tl_.pts.front().second != allocatable) {
      throw InvariantError("elasticflow: the plan over-allocates the cluster");
    }
    if (allocatable == 0) return;
    for (int r : runnable_)
      get_marginal(js_[r], allocatable, now);
    sort_by_marginal();
    bool granted = true;
    while (allocatable > 0 && granted) {
      granted = false;
      for (int r : runnable_) {
        auto& s = js_[r];
        if (s.next - s.num > allocatable || s.next == s.num) continue;
        const int old = s.num;
        // The candidate plan again: its inputs are unchanged since its marginal was computed
        // (every growable job is re-scored after each grant), so this is that plan.
        plan_next(s, now);
        std::swap(tl_.pts, plan_.timeline.pts);
        std::swap(s.alloc.pts, plan_.alloc.pts);
        s.num = s.next;
        move_end(r, s.end, plan_.end, now);
        s.end = plan_.end;
        if (grant_real_end_) s.real_end = plan_.real_end;
        if (std::find(pending_.begin(), pending_.end(), r) != pending_.end()) start(r, ctx);
        allocatable -= s.num - old;
        granted = true;
        s.next = ef::next_level(s.pj, s.num);
        break;
      }
      for (int r : runnable_) {
        if (js_[r].next - js_[r].num > 0) get_marginal(js_[r], allocatable, now);
      }
      sort_by_marginal();
    }
  }

  // Admission of the arrivals (a plan of every live job plus them), then every live job's plan
  // from now: its GPUs now and its end event.
  void replan(const SchedulingContext& ctx, Sec now, Decision& d) {
    const auto& arrivals = ctx.arrivals();
    bool admitted = true;
    if (!arrivals.empty()) {
      std::vector<int> all = runnable_;
      all.insert(all.end(), arrivals.begin(), arrivals.end());
      sort_by_ddl(all);
      admitted = !admission_ || plan_all(ctx, all, now);
      for (int a : arrivals) {
        if (admitted || ctx.job(a).best_effort) {
          runnable_.push_back(a);
          pending_.push_back(a);
        } else {
          d.reject.push_back(a);
          ++declined_;
          ++refused_;
        }
      }
    }
    sort_by_ddl(runnable_);
    std::vector<Sec> prev_end(runnable_.size());
    for (std::size_t k = 0; k < runnable_.size(); ++k)
      prev_end[k] = js_[runnable_[k]].prev_end;
    if (arrivals.empty() || !admitted || !admission_) plan_all(ctx, runnable_, now);
    for (std::size_t k = 0; k < runnable_.size(); ++k) {
      const int r = runnable_[k];
      js_[r].num = js_[r].alloc.pts.front().second;
      move_end(r, prev_end[k], js_[r].end, now);
    }
  }

  // Pending jobs whose plan starts now start (the artifact's new_start_list).
  void start_planned(const SchedulingContext& ctx, Sec now) {
    std::vector<int> starting;
    for (int p : pending_) {
      bool later = false;
      for (auto& [t, g] : js_[p].alloc.pts) {
        if (g == 0) continue;
        later = t > now;
        break;
      }
      if (!later)
        starting.push_back(p);
      else if (!admission_)
        scale_event(js_[p].alloc, now);
    }
    for (int p : starting)
      start(p, ctx);
  }

  // The ranks under the artifact's placement (for the overhead cache) and its scale events:
  // elasticflow files the earliest planned change only if it comes before every queued event,
  // elasticflow-noac each running job's next change.
  void file_scale_event(const SchedulingContext& ctx, Sec now) {
    Sec first_scale = kNever;
    for (int r : runnable_) {
      for (auto& [t, g] : js_[r].alloc.pts) {
        if (t > now) {
          first_scale = std::min(first_scale, t);
          break;
        }
      }
    }
    std::vector<int>& order = admission_ ? runnable_ : running_;
    if (admission_) {
      std::stable_sort(runnable_.begin(), runnable_.end(),
                       [&](int a, int b) { return js_[a].num > js_[b].num; });
    }
    mark_cache(order);
    if (admission_) {
      Sec next_event = to_sec_or_never(ctx.next_arrival());
      if (!events_.empty()) next_event = std::min(next_event, events_.begin()->first);
      if (first_scale < next_event) events_[first_scale];
    } else {
      for (int r : running_)
        scale_event(js_[r].alloc, now);
    }
  }

  // Every job holding GPUs runs, pays this point's overhead (its end event moves by it) and makes
  // no progress past its planned real end.
  void run_and_charge(const SchedulingContext& ctx, Sec now, Decision& d) {
    const bool restart = count_ > 0 && count_ % slot_ == 0;
    ++count_;
    if (restart) cache_.clear();
    for (int r : (admission_ ? runnable_ : running_)) {
      auto& s = js_[r];
      if (s.num <= 0) continue;
      const Sec o = overhead_ ? overhead_s(s.num, restart, s.in_cache) : 0;
      move_end(r, s.end, s.end + o, now);
      s.end += o;
      d.run.push_back({r, s.num, {}});
      if (o > 0) plan_for<PlannedEndPlan>(d).overhead.push_back({r, o * kSecond});
      // Stall guard: a job whose remaining work fits inside one overhead window never progresses
      // under the artifact's cap (the artifact would loop forever); let it use the window.
      const double left = ctx.state(r).remaining();
      s.stalls = s.held && left >= s.last_left ? s.stalls + 1 : 0;
      const bool stalled = s.stalls >= kStallPoints;
      s.held = true;
      s.last_left = left;
      if (stalled) ++stall_fixes_;
      plan_for<PlannedEndPlan>(d).ends.push_back({r, (stalled ? s.real_end + o : s.real_end) * kSecond,
                               s.end * kSecond, artifact_early_finish_});
    }
    for (int r : runnable_) {
      if (js_[r].num <= 0) {
        js_[r].held = false;
        js_[r].stalls = 0;
      }
      js_[r].prev_end = js_[r].end;
    }
  }

  void mark_cache(const std::vector<int>& order) {
    std::vector<std::pair<int, int>> jobs;
    std::vector<int> who;
    for (int r : order) {
      if (js_[r].num >= gpn_) {
        jobs.push_back({r, js_[r].num});
        who.push_back(r);
      }
    }
    static constexpr int kKeys[] = {256, 128, 88, 72, 64, 56, 48, 40, 32, 24, 16, 12, 8, 4, 2, 1};
    for (int key : kKeys) {
      if (key >= gpn_) continue;
      for (int r : order) {
        if (js_[r].num == key) {
          jobs.push_back({r, key});
          who.push_back(r);
        }
      }
    }
    const auto first = placement_->place(jobs);
    for (std::size_t k = 0; k < who.size(); ++k) {
      if (first[k] < 0)
        throw InvariantError("elasticflow: the artifact's elastic placement failed");
      const std::pair<int, int> key{first[k], jobs[k].second};
      auto& s = js_[who[k]];
      s.in_cache = std::find(cache_.begin(), cache_.end(), key) != cache_.end();
      if (!s.in_cache) cache_.push_back(key);
    }
  }
};

ParamSpecs params() {
  return {ef::slot_spec(), ef::overhead_spec(),
          param::choice("ef.early_finish", "artifact", {"artifact", "exact"},
                        "a job done before its planned end: the artifact's logged finish or the "
                        "exact time"),
          param::choice("ef.version", "04a0109", {"04a0109", "0d29ad9"},
                        "the artifact's scheduler version: 04a0109 (every reference run) moves "
                        "a job's planned real end when leftover GPUs raise it; 0d29ad9 does not")};
}

const bool registered_ac = register_policy(
    "elasticflow",
    "ElasticFlow (artifact ef-accessctrl): admission control, minimum satisfactory "
    "shares, leftover GPUs by marginal GPU-time",
    [](const PolicyEnv& env) { return std::make_unique<ElasticFlow>(env, true); }, params());
const bool registered_noac = register_policy(
    "elasticflow-noac", "ElasticFlow planner without admission control (artifact ef)",
    [](const PolicyEnv& env) { return std::make_unique<ElasticFlow>(env, false); }, params());

}  // namespace
}  // namespace clustersim
