#include "clustersim/training/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

Registry<PolicyFactory>& training_policies() {
  static Registry<PolicyFactory> registry("policy", "training");
  return registry;
}

class TrainingEngine::Impl final : public SchedulingContext {
 public:
  Impl(const Cluster& c, const Trace& t, const ThroughputModel& tp, const PlacementScheme& pl,
       const OverheadModel& oh, TrainingPolicy& p, EngineConfig cfg)
      : cluster_(c),
        trace_(t),
        tp_(tp),
        placement_(pl),
        overhead_(oh),
        policy_(p),
        cfg_(std::move(cfg)),
        sim_(make_event_queue(cfg_.event_queue)),
        state_(ClusterState::empty_of(c)),
        jobs_(t.jobs.size()) {}

  // SchedulingContext
  SimTime now() const override { return sim_.now(); }
  const Cluster& cluster() const override { return cluster_; }
  const ThroughputModel& throughput() const override { return tp_; }
  const PlacementScheme& placement() const override { return placement_; }
  const Job& job(int i) const override { return trace_.jobs[i]; }
  const JobRuntime& state(int i) const override { return jobs_[i]; }
  const std::vector<int>& active() const override { return active_; }
  const std::vector<int>& arrivals() const override { return arrivals_; }
  const std::vector<int>& completions() const override { return completions_; }
  const ClusterState& cluster_state() const override { return state_; }
  std::uint64_t round() const override { return round_; }
  std::size_t job_count() const override { return trace_.jobs.size(); }
  double clock_s() const override { return cfg_.iteration_clock ? xnow_ : to_seconds(now()); }
  SimTime next_arrival() const override {
    return next_arrival_ < trace_.jobs.size() ? trace_.jobs[next_arrival_].submit : kForever;
  }

  TrainingEngine::Progress progress;

  RunResult run() {
    for (const auto& j : trace_.jobs) {
      auto& r = jobs_[j.index];
      r.work_total = tp_.work(j);
      sim_.schedule_at(j.submit, [this, i = j.index] { arrive(i); });
    }
    sim_.run(cfg_.max_sim_time);
    if (sim_.pending() > 0 && done_ < jobs_.size()) {
      throw InputError(fmt::format("--max-sim-time {}s reached with {} of {} jobs done",
                                   to_seconds(cfg_.max_sim_time), done_, jobs_.size()));
    }
    account_shared();
    RunResult out;
    out.shared_gpu_excess_s = shared_excess_s_;
    out.jobs = std::move(jobs_);
    out.samples = std::move(samples_);
    out.events = sim_.events_processed();
    out.scheduling_points = round_;
    out.policy_s = policy_s_;
    return out;
  }

 private:
  const Cluster& cluster_;
  const Trace& trace_;
  const ThroughputModel& tp_;
  const PlacementScheme& placement_;
  const OverheadModel& overhead_;
  TrainingPolicy& policy_;
  EngineConfig cfg_;
  Simulator sim_;
  ClusterState state_;
  std::vector<JobRuntime> jobs_;
  std::vector<int> active_, arrivals_, completions_;
  std::vector<ClusterSample> samples_;
  std::uint64_t round_ = 0;
  std::size_t done_ = 0;
  EventId decision_;
  SimTime decision_time_ = 0;
  SimTime last_decision_ = -1;
  SimTime next_slot_ = -1;
  double policy_s_ = 0;
  std::size_t next_arrival_ = 0;  // jobs are sorted by submit time
  EventId replan_;
  // Decision::planned_end support (allocated on first use; -1 = not plan-driven): forced end,
  // progress cap, and when the work is done if before both.
  std::vector<SimTime> plan_end_, plan_cap_, work_done_at_;
  // The finish recorded for an early completion (PlannedEnd::finish_ignores_overhead), and
  // whether the job asked for it.
  std::vector<SimTime> work_done_log_;
  std::vector<char> plan_no_overhead_;
  std::unordered_map<int, int> group_live_;  // running members per Assignment::group
  EventId wake_;                             // the latest policy wake-up
  // EngineNeeds::iteration_clock: the exact time of the current point, and what the events
  // since the previous point say it is (an arrival's time wins, as in Muri's event loop).
  double xnow_ = 0;
  static constexpr double kForeverSeconds = std::numeric_limits<double>::infinity();
  double xbatch_ = kForeverSeconds;
  double xwake_ = kForeverSeconds;  // exact time of a Decision::wake_at_s that fired
  bool xarrival_ = false;

  void arrive(int i) {
    auto& r = jobs_[i];
    r.status = JobStatus::kPending;
    r.last_update = now();
    if (cfg_.iteration_clock) {
      r.iterations_left = trace_.jobs[i].iterations;
      xarrival_ = true;
    }
    next_arrival_ = std::max(next_arrival_, static_cast<std::size_t>(i) + 1);
    active_.push_back(i);
    arrivals_.push_back(i);
    request_decision();
  }

  void complete(int i) {
    auto& r = jobs_[i];
    if (cfg_.iteration_clock) {
      xbatch_ = std::min(xbatch_, r.end_s);
      xnow_ = r.end_s;
    }
    bank(i);
    account_shared();
    r.work_done = r.work_total;
    r.status = JobStatus::kFinished;
    r.finish = now();
    // Members of a shared-GPU group release the GPUs only when the last one finishes.
    if (!r.borrowed && (r.group < 0 || --group_live_[r.group] == 0)) {
      release(state_, r.nodes, r.gpus);
      placement_.charge_extra(trace_.jobs[i], r.nodes, state_, -1);
    } else {
      shared_excess_ -= r.gpus;  // a group keeps its GPUs; borrowed ones were never held
    }
    r.gpus = 0;
    r.rate = 0;
    ++done_;
    completions_.push_back(i);
    policy_.on_finish(*this, i);
    request_decision();
  }

  void request_decision() {
    SimTime t = now();
    if (last_decision_ >= 0 && cfg_.min_interval > 0)
      t = std::max(t, last_decision_ + cfg_.min_interval);
    if (sim_.is_pending(decision_)) {
      if (decision_time_ <= t) return;
      sim_.cancel(decision_);
    }
    decision_time_ = t;
    decision_ = sim_.schedule_at(t, [this] { decide(); });
  }

  bool has_live_jobs() const {
    return std::any_of(active_.begin(), active_.end(), [this](int i) {
      return jobs_[i].status == JobStatus::kPending || jobs_[i].status == JobStatus::kRunning;
    });
  }

  // GPUs in the jobs' gpu_time_s but not held by the run: once per extra member of a shared-GPU
  // group, and every borrowed GPU, integrated over time (0 without either), so that GPU-seconds
  // held = sum of the jobs' gpu_time_s - shared_excess_s_.
  int shared_excess_ = 0;
  SimTime shared_since_ = 0;
  double shared_excess_s_ = 0;
  void account_shared() {
    const SimTime t = now();
    if (shared_excess_ != 0) shared_excess_s_ += shared_excess_ * to_seconds(t - shared_since_);
    shared_since_ = t;
  }

  void bank(int i) {
    auto& r = jobs_[i];
    const SimTime t = now();
    if (r.status == JobStatus::kRunning) {
      if (cfg_.iteration_clock) {
        // Muri's expressions and evaluation order, bit for bit.
        const double dt = std::max(xnow_ - r.clock_s - std::max(r.event_overhead_s, 0.0), 0.0);
        r.iterations_left -= dt / r.iteration_time_s;
        r.run_s = r.run_s + xnow_ - r.clock_s;
        const double iters = trace_.jobs[i].iterations;
        r.work_done = r.work_total * (1 - std::max(r.iterations_left, 0.0) / iters);
      } else if (r.event_overhead_s >= 0) {
        const double dt = to_seconds(t - r.last_update) - r.event_overhead_s;
        if (dt > 0) r.work_done += r.rate * dt;
      } else {
        const SimTime from = std::max(r.last_update, r.overhead_until);
        const SimTime to = plan_cap_.empty() || plan_end_[i] < 0 ? t : std::min(t, plan_cap_[i]);
        if (to > from) r.work_done += r.rate * to_seconds(to - from);
      }
      r.run_time += t - r.last_update;
      r.gpu_time_s += r.gpus * to_seconds(t - r.last_update);
    } else if (r.status == JobStatus::kPending) {
      r.pending_time += t - r.last_update;
    }
    r.last_update = t;
    r.clock_s = xnow_;
  }

  void reschedule_completion(int i) {
    auto& r = jobs_[i];
    sim_.cancel(r.completion);
    if (r.rate <= 0) return;
    if (cfg_.iteration_clock) {
      r.end_s = xnow_ + r.iterations_left * r.iteration_time_s;
      return;  // scheduled by schedule_clock_ends() once every running job has its end
    }
    const SimTime start = std::max(now(), r.overhead_until);
    const double secs = r.remaining() / r.rate;
    const SimTime need = cfg_.whole_seconds ? from_seconds(std::ceil(secs)) : ceil_seconds(secs);
    SimTime t = start + need;
    if (!plan_end_.empty() && plan_end_[i] >= 0) {
      work_done_at_[i] = t <= plan_cap_[i] ? t : -1;
      work_done_log_[i] = plan_no_overhead_[i] ? now() + need : t;
      t = std::max(now(), plan_end_[i]);
    }
    r.completion = sim_.schedule_at(t, [this, i] { complete(i); });
  }

  // EngineNeeds::iteration_clock: Muri's end events. In the decision's order, each running job
  // joins the first listed end within math.isclose(rel_tol=1e-9) of its own (Muri's
  // util.search_dict_list), ending at that time, else lists its own. An end near the next arrival
  // (merge_end_near_arrival) happens at the arrival.
  std::vector<std::pair<double, int>> ends_;  // (time, listing order), sorted by time
  void schedule_clock_ends(const Decision& d) {
    if (cfg_.earliest_end_only) {
      schedule_earliest_end(d);
      return;
    }
    ends_.clear();
    const auto close = [](double a, double b) {
      return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    };
    for (const auto& a : d.run) {
      auto& r = jobs_[a.job];
      double e = r.end_s;
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
      r.end_s = e;
      SimTime t = std::max(now(), ceil_seconds(e));
      if (cfg_.merge_end_near_arrival && next_arrival_ < trace_.jobs.size()) {
        // math.isclose(end, arrival, abs_tol=1e-4): within 1e-4 s or 1e-9 relative.
        const SimTime at = trace_.jobs[next_arrival_].submit;
        const double as = to_seconds(at);
        if (at >= now() && std::fabs(e - as) <= std::max(1e-9 * std::max(e, as), 1e-4)) t = at;
      }
      sim_.cancel(r.completion);
      r.completion = sim_.schedule_at(t, [this, i = a.job] { complete(i); });
    }
  }

  // EngineNeeds::earliest_end_only: only the jobs whose exact end equals the earliest one get a
  // completion event, and none if an arrival or the exact wake-up comes strictly first (that
  // point re-predicts every end).
  void schedule_earliest_end(const Decision& d) {
    double first = kForeverSeconds;
    for (const auto& a : d.run)
      first = std::min(first, jobs_[a.job].end_s);
    SimTime t = std::max(now(), ceil_seconds(first));
    bool ends = first < kForeverSeconds && !(d.wake_at_s < first);
    if (ends && next_arrival_ < trace_.jobs.size()) {
      const SimTime at = trace_.jobs[next_arrival_].submit;
      const double as = to_seconds(at);
      if (as < first) ends = false;
      if (as == first) t = at;
    }
    for (const auto& a : d.run) {
      auto& r = jobs_[a.job];
      sim_.cancel(r.completion);
      if (ends && r.end_s == first)
        r.completion = sim_.schedule_at(t, [this, i = a.job] { complete(i); });
    }
  }

  [[noreturn]] void policy_bug(const std::string& what) const {
    throw InvariantError(fmt::format("policy decision at t={}s: {}", to_seconds(now()), what));
  }

  void decide() {
    last_decision_ = now();
    if (cfg_.iteration_clock) {
      const double x = std::min(xbatch_, xwake_);
      xnow_ = xarrival_ || !(x < kForeverSeconds) ? to_seconds(now()) : x;
      xbatch_ = kForeverSeconds;
      xwake_ = kForeverSeconds;
      xarrival_ = false;
    }
    std::erase_if(active_, [this](int i) {  // drop finished/rejected jobs, bank the others
      auto s = jobs_[i].status;
      if (s != JobStatus::kPending && s != JobStatus::kRunning) return true;
      bank(i);
      return false;
    });
    if (!plan_end_.empty()) {
      // Plan-driven jobs whose work is done finish at this point (before the policy sees them).
      for (int i : std::vector<int>(active_)) {
        if (jobs_[i].status == JobStatus::kRunning && plan_end_[i] >= 0 && work_done_at_[i] >= 0 &&
            work_done_at_[i] <= now()) {
          sim_.cancel(jobs_[i].completion);
          complete(i);
          jobs_[i].finish = work_done_log_[i];
          sim_.cancel(decision_);  // complete() asked for a decision; this one serves it
        }
      }
      std::erase_if(active_, [this](int i) { return jobs_[i].status == JobStatus::kFinished; });
    }

    auto t0 = std::chrono::steady_clock::now();
    Decision d = policy_.schedule(*this);
    policy_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    apply(d);

    ++round_;
    arrivals_.clear();
    completions_.clear();
    if (cfg_.iteration_clock && d.wake_at_s < kForeverSeconds) {
      if (!(d.wake_at_s > xnow_)) policy_bug("exact wake-up time is not after this point");
      if (d.wake_replaces_previous) sim_.cancel(wake_);
      wake_ = sim_.schedule_at(std::max(now(), ceil_seconds(d.wake_at_s)), [this, w = d.wake_at_s] {
        xwake_ = std::min(xwake_, w);
        request_decision();
      });
    } else if (d.wake_at != kForever) {
      if (d.wake_at <= now()) policy_bug("wake-up time is not in the future");
      if (d.wake_replaces_previous) sim_.cancel(wake_);
      wake_ = sim_.schedule_at(d.wake_at, [this] { request_decision(); });
    } else if (d.wake_replaces_previous) {
      sim_.cancel(wake_);
    }
    sim_.cancel(replan_);
    if (d.replan_at != kForever) {
      if (d.replan_at <= now()) policy_bug("replan time is not in the future");
      replan_ = sim_.schedule_at(d.replan_at, [this] { request_decision(); });
    }
    if (cfg_.slot > 0 && !active_.empty() && next_slot_ <= now()) {
      next_slot_ = now() + cfg_.slot;
      sim_.schedule_at(next_slot_, [this] {
        if (has_live_jobs()) request_decision();
      });
    }
    if (progress) progress(done_, jobs_.size(), now(), sim_.events_processed());
    if (cfg_.max_events && sim_.events_processed() >= cfg_.max_events) {
      throw InputError(fmt::format("--max-events {} reached at t={}s with {} of {} jobs done",
                                   cfg_.max_events, to_seconds(now()), done_, jobs_.size()));
    }
  }

  // Per-job scratch for apply(), kept across points: clearing O(jobs) vectors at every point
  // dominated long runs. by_job_ is reset entry by entry; old_gpus_ is written for every running
  // job before it is read.
  std::vector<const Assignment*> by_job_;
  std::vector<int> old_gpus_;

  void apply(const Decision& d) {
    account_shared();
    const std::size_t n = jobs_.size();
    if (by_job_.size() != n) {
      by_job_.assign(n, nullptr);
      old_gpus_.assign(n, 0);
    }
    struct Reset {
      std::vector<const Assignment*>& v;
      const Decision& d;
      ~Reset() {
        for (const auto& a : d.run) {
          if (a.job >= 0 && static_cast<std::size_t>(a.job) < v.size()) v[a.job] = nullptr;
        }
      }
    } reset{by_job_, d};
    auto& by_job = by_job_;
    auto& old_gpus = old_gpus_;
    for (auto [i, t] : d.finish) {
      if (i < 0 || static_cast<std::size_t>(i) >= n || t > now() ||
          (jobs_[i].status != JobStatus::kRunning && jobs_[i].status != JobStatus::kPending)) {
        policy_bug(fmt::format("job index {} cannot finish at {}", i, to_seconds(t)));
      }
      bank(i);
      auto& r = jobs_[i];
      sim_.cancel(r.completion);
      r.work_done = r.work_total;
      r.status = JobStatus::kFinished;
      r.finish = t;
      r.gpus = 0;
      r.rate = 0;
      r.nodes.clear();
      ++done_;
      policy_.on_finish(*this, i);
    }
    for (const auto& a : d.run) {
      if (a.job < 0 || static_cast<std::size_t>(a.job) >= n)
        policy_bug(fmt::format("unknown job {}", a.job));
      auto s = jobs_[a.job].status;
      if (s != JobStatus::kPending && s != JobStatus::kRunning) {
        policy_bug(fmt::format("job {} is not active", trace_.jobs[a.job].id));
      }
      if (a.gpus <= 0)
        policy_bug(fmt::format("job {} given {} GPUs", trace_.jobs[a.job].id, a.gpus));
      if (by_job[a.job]) policy_bug(fmt::format("job {} assigned twice", trace_.jobs[a.job].id));
      by_job[a.job] = &a;
    }
    // Shared-GPU groups: the first member in `run` is the leader that gets placed.
    std::unordered_map<int, std::size_t> leader;
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      if (a.group < 0) continue;
      auto [it, fresh] = leader.try_emplace(a.group, k);
      if (!fresh && d.run[it->second].gpus != a.gpus) {
        policy_bug(fmt::format("group {} members ask for different GPU counts", a.group));
      }
    }
    auto follower = [&](std::size_t k) {
      return d.run[k].group >= 0 && leader[d.run[k].group] != k;
    };
    // Borrowed GPUs are recorded, never taken (Assignment::borrowed).
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      if (!a.borrowed) continue;
      int sum = 0;
      for (auto& [node, g] : a.nodes) {
        if (node < 0 || static_cast<std::size_t>(node) >= cluster_.nodes().size() || g <= 0)
          policy_bug(fmt::format("job {}: bad borrowed node", trace_.jobs[a.job].id));
        sum += g;
      }
      if (a.group >= 0 || sum != a.gpus)
        policy_bug(fmt::format("job {}: borrowed GPUs need nodes summing to {} and no group",
                               trace_.jobs[a.job].id, a.gpus));
    }
    for (int i : d.reject) {
      if (i < 0 || static_cast<std::size_t>(i) >= n || jobs_[i].status != JobStatus::kPending ||
          by_job[i]) {
        policy_bug(fmt::format("job index {} cannot be rejected", i));
      }
    }

    // Preempt running jobs that lost their GPUs; remember the old allocation of the others.
    ClusterState next = ClusterState::empty_of(cluster_);
    for (int i : active_) {
      auto& r = jobs_[i];
      if (r.status != JobStatus::kRunning) continue;
      old_gpus[i] = r.gpus;
      if (!by_job[i]) {
        sim_.cancel(r.completion);
        r.status = JobStatus::kPending;
        r.gpus = 0;
        r.rate = 0;
        r.nodes.clear();
        r.group = -1;
        r.event_overhead_s = -1;
        r.borrowed = false;
        ++r.preemptions;
      }
    }
    // Place: explicit nodes, then unchanged jobs keeping theirs, then the scheme for the rest.
    std::vector<NodeShares> where(d.run.size());
    std::vector<char> placed(d.run.size(), 0);
    const bool nodes_matter = placement_.assigns_nodes();
    auto take_or_fail = [&](std::size_t k, const NodeShares& ns) {
      const auto& a = d.run[k];
      if (!take(next, ns, a.gpus)) {
        policy_bug(fmt::format("job {} does not fit on its GPUs", trace_.jobs[a.job].id));
      }
      placement_.charge_extra(trace_.jobs[a.job], ns, next, +1);
      where[k] = ns;
      placed[k] = 1;
    };
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      if (follower(k)) continue;
      if (a.borrowed) {
        where[k] = a.nodes;
        placed[k] = 1;
        continue;
      }
      if (!a.nodes.empty()) {
        int sum = 0;
        for (auto& [node, g] : a.nodes)
          sum += g;
        if (sum != a.gpus)
          policy_bug(fmt::format("job {}: nodes hold {} GPUs, not {}", trace_.jobs[a.job].id, sum,
                                 a.gpus));
        take_or_fail(k, a.nodes);
      }
    }
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      const auto& r = jobs_[a.job];
      if (follower(k)) continue;
      if (!placed[k] && r.status == JobStatus::kRunning && r.gpus == a.gpus &&
          (!nodes_matter || !r.nodes.empty())) {
        take_or_fail(k, r.nodes);
      }
    }
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      if (placed[k] || follower(k)) continue;
      const auto& a = d.run[k];
      auto ns = placement_.place(trace_.jobs[a.job], a.gpus, next);
      if (!ns)
        policy_bug(fmt::format("GPUs over-allocated: job {} ({} GPUs) does not fit",
                               trace_.jobs[a.job].id, a.gpus));
      where[k] = std::move(*ns);
      placed[k] = 1;
    }
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      if (follower(k)) where[k] = where[leader[d.run[k].group]];
    }
    state_ = std::move(next);

    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      const Job& job = trace_.jobs[a.job];
      auto& r = jobs_[a.job];
      const bool was_running = r.status == JobStatus::kRunning;
      const bool moved = was_running && where[k] != r.nodes;
      r.borrowed = a.borrowed;
      if (cfg_.iteration_clock) {
        if (!(a.iteration_time_s > 0))
          policy_bug(fmt::format("job {} has no iteration time (iteration clock)", job.id));
        r.iteration_time_s = a.iteration_time_s;
      }
      if (was_running && r.gpus == a.gpus && !moved) {
        if (a.rate > 0 || a.group >= 0 || a.event_overhead_s >= 0 || r.group >= 0 ||
            r.event_overhead_s >= 0) {
          const double rate = a.rate > 0 ? a.rate : tp_.rate(job, a.gpus, r.nodes);
          r.group = a.group;
          r.event_overhead_s = a.event_overhead_s;
          if (!(rate > 0))
            policy_bug(fmt::format("job {} has no throughput on {} GPUs", job.id, a.gpus));
          if (rate != r.rate || r.event_overhead_s >= 0 || cfg_.iteration_clock) {
            r.rate = rate;
            reschedule_completion(a.job);
          }
        }
        continue;
      }
      AllocationChange change{was_running ? old_gpus[a.job] : 0, a.gpus, moved};
      if (!was_running) {
        if (r.first_start < 0)
          r.first_start = now();
        else
          ++r.resumes;
        r.last_start = now();
        r.status = JobStatus::kRunning;
      } else {
        ++r.resizes;
      }
      r.gpus = a.gpus;
      r.nodes = where[k];
      r.group = a.group;
      r.event_overhead_s = a.event_overhead_s;
      r.overhead_until = a.event_overhead_s >= 0 ? now() : now() + overhead_.charge(job, change);
      r.rate = a.rate > 0 ? a.rate : tp_.rate(job, a.gpus, r.nodes);
      if (!(r.rate > 0))
        policy_bug(fmt::format("job {} has no throughput on {} GPUs", job.id, a.gpus));
      reschedule_completion(a.job);
    }
    for (int i : d.reject) {
      jobs_[i].status = JobStatus::kRejected;
      ++done_;
    }
    if (cfg_.iteration_clock) schedule_clock_ends(d);
    if (!d.overhead.empty() || !d.planned_end.empty() || !plan_end_.empty())
      apply_artifact_extras(d, by_job);

    // Every active job is now running (exactly those in d.run), rejected, finished by the
    // decision, or pending. Members of a shared-GPU group hold their GPUs once.
    int busy = 0, held = 0;
    double eff = 0;
    const int running = static_cast<int>(d.run.size());
    const int pending =
        static_cast<int>(active_.size() - d.run.size() - d.reject.size() - d.finish.size());
    group_live_.clear();
    for (const auto& a : d.run) {
      const auto& r = jobs_[a.job];
      if (!a.borrowed && (r.group < 0 || group_live_[r.group]++ == 0)) busy += r.gpus;
      held += r.gpus;
      if (cfg_.efficiency) {
        const double r1 = tp_.rate(trace_.jobs[a.job], 1, {});
        if (r1 > 0) eff += r.rate / r1;
      }
      if (cfg_.check_invariants && r.work_done < -1e-9) throw InvariantError("negative progress");
    }
    if (cfg_.check_invariants && busy + state_.total_free_gpus != cluster_.total_gpus()) {
      throw InvariantError("GPU accounting broken");
    }
    shared_excess_ = held - busy;
    samples_.push_back(ClusterSample{now(), busy, running, pending,
                                     cfg_.efficiency ? eff / cluster_.total_gpus() : 0.0});
  }

  // Decision::overhead and Decision::planned_end (ElasticFlow artifact semantics).
  void apply_artifact_extras(const Decision& d, const std::vector<const Assignment*>& by_job) {
    const std::size_t n = jobs_.size();
    if (plan_end_.empty()) {
      plan_end_.assign(n, -1);
      plan_cap_.assign(n, -1);
      work_done_at_.assign(n, -1);
      work_done_log_.assign(n, -1);
      plan_no_overhead_.assign(n, 0);
    }
    for (int i : active_) {
      plan_end_[i] = plan_cap_[i] = work_done_at_[i] = work_done_log_[i] = -1;
      plan_no_overhead_[i] = 0;
    }
    for (const auto& p : d.planned_end) {
      if (p.job < 0 || static_cast<std::size_t>(p.job) >= n || !by_job[p.job])
        policy_bug("planned_end for a job without GPUs");
      plan_end_[p.job] = p.end;
      plan_cap_[p.job] = p.progress_until;
      plan_no_overhead_[p.job] = p.finish_ignores_overhead;
    }
    for (auto [i, s] : d.overhead) {
      if (i < 0 || static_cast<std::size_t>(i) >= n || !by_job[i] || s < 0)
        policy_bug("bad per-point overhead");
      jobs_[i].overhead_until = now() + s;
    }
    for (int i : active_) {
      if (jobs_[i].status == JobStatus::kRunning) reschedule_completion(i);
    }
  }
};

TrainingEngine::TrainingEngine(const Cluster& c, const Trace& t, const ThroughputModel& tp,
                               const PlacementScheme& pl, const OverheadModel& oh,
                               TrainingPolicy& p, EngineConfig cfg)
    : impl_(std::make_unique<Impl>(c, t, tp, pl, oh, p, std::move(cfg))) {}
TrainingEngine::~TrainingEngine() = default;

void TrainingEngine::set_progress(Progress cb) {
  impl_->progress = std::move(cb);
}

RunResult TrainingEngine::run() {
  return impl_->run();
}

}  // namespace clustersim
