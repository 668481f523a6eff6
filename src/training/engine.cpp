#include "clustersim/training/engine.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

Registry<PolicyFactory>& training_policies() {
  static Registry<PolicyFactory> registry("policy", "training");
  return registry;
}

class TrainingEngine::Impl final : public SchedulingContext, public ProgressHost {
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
        jobs_(t.jobs.size()) {
    model_ = cfg_.make_progress ? cfg_.make_progress(*this)
                                : progress_models().get("rate").factory.make(*this, Params{});
  }

  // SchedulingContext and ProgressHost
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
  double clock_s() const override { return model_->clock_s(); }
  const ProgressModel& progress() const override { return *model_; }
  SimTime next_arrival() const override {
    return next_arrival_ < trace_.jobs.size() ? trace_.jobs[next_arrival_].submit : kForever;
  }
  // ProgressHost only
  JobRuntime& runtime(int i) override { return jobs_[i]; }
  const OverheadModel& overhead() const override { return overhead_; }
  bool whole_seconds() const override { return cfg_.whole_seconds; }
  void set_completion(int i, SimTime t) override {
    auto& r = jobs_[i];
    sim_.cancel(r.completion);
    if (t != kForever) r.completion = sim_.schedule_at(t, [this, i] { complete(i); });
  }
  void finish_now(int i, SimTime finish, bool during_apply) override;
  void wake_at(SimTime t, bool replace, std::function<void()> fire) override {
    model_wake_ = {t, replace, std::move(fire)};
  }
  [[noreturn]] void policy_bug(const std::string& what) const override {
    throw InvariantError(fmt::format("policy decision at t={}s: {}", to_seconds(now()), what));
  }

  TrainingEngine::Progress progress_fn;

  RunResult run() {
    for (const auto& j : trace_.jobs) {
      auto& r = jobs_[j.index];
      r.work_total = tp_.work(j);
      sim_.schedule_at(j.submit, [this, i = j.index] { arrive(i); });
    }
    sim_.set_stall_limit(cfg_.stall_events, [this] { return describe_unfinished(); });
    sim_.run(cfg_.max_sim_time);
    if (sim_.pending() > 0 && done_ < jobs_.size()) {
      throw InputError(fmt::format("--max-sim-time {}s reached with {} of {} jobs done",
                                   to_seconds(cfg_.max_sim_time), done_, jobs_.size()));
    }
    if (!cfg_.allow_unfinished && unfinished() > 0) {  // nothing left to happen: stuck
      throw InputError(fmt::format(
          "no event left at t={}s with {} of {} jobs unfinished (engine.allow_unfinished=true "
          "reports them): {} can never finish",
          to_seconds(now()), unfinished(), jobs_.size(), describe_unfinished()));
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
  std::size_t unfinished() const {
    return std::count_if(jobs_.begin(), jobs_.end(), [](const JobRuntime& r) {
      return r.status != JobStatus::kFinished && r.status != JobStatus::kRejected;
    });
  }
  // Names the first unfinished job in trace order, for a stuck run's message.
  std::string describe_unfinished() const {
    for (const Job& j : trace_.jobs) {
      const JobRuntime& r = jobs_[j.index];
      if (r.status == JobStatus::kFinished || r.status == JobStatus::kRejected) continue;
      const char* state = r.status == JobStatus::kRunning ? "running on" : "waiting for";
      return fmt::format("job {} ({}:{}, {} {} GPUs, submitted at t={}s)", j.id, trace_.path,
                         j.source_line, state, r.status == JobStatus::kRunning ? r.gpus : j.gpus,
                         to_seconds(j.submit));
    }
    return "every job is done";
  }

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
  std::unique_ptr<ProgressModel> model_;
  std::vector<int> active_, arrivals_, completions_;
  std::vector<ClusterSample> samples_;
  std::uint64_t round_ = 0;
  std::size_t done_ = 0;
  EventId decision_;
  SimTime decision_time_ = 0;
  SimTime last_decision_ = -1;
  SimTime unspaced_at_ = kForever;  // Decision::unspaced_at of the last decision
  SimTime next_slot_ = -1;
  double policy_s_ = 0;
  std::size_t next_arrival_ = 0;  // jobs are sorted by submit time
  EventId replan_;
  EventId wake_;  // the latest policy wake-up
  struct ModelWake {
    SimTime t = kForever;
    bool replace = false;
    std::function<void()> fire;
  } model_wake_;                             // a wake-up the model asked for at this point
  int finished_in_apply_ = 0;                // jobs the model finished during apply()
  std::unordered_map<int, int> group_live_;  // running members per Assignment::group

  void arrive(int i) {
    auto& r = jobs_[i];
    r.status = JobStatus::kPending;
    r.last_update = now();
    model_->arrive(i);
    next_arrival_ = std::max(next_arrival_, static_cast<std::size_t>(i) + 1);
    active_.push_back(i);
    arrivals_.push_back(i);
    request_decision();
  }

  void complete(int i) {
    auto& r = jobs_[i];
    model_->completing(i);
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
    if (last_decision_ >= 0 && cfg_.min_interval > 0 && t != unspaced_at_)
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
    model_->bank(i);
    if (r.status == JobStatus::kRunning) {
      r.run_time += t - r.last_update;
      r.gpu_time_s += r.gpus * to_seconds(t - r.last_update);
    } else if (r.status == JobStatus::kPending) {
      r.pending_time += t - r.last_update;
    }
    r.last_update = t;
  }

  void decide();
  void schedule_wakeups(const Decision& d);
  void apply(const Decision& d);
  void validate(const Decision& d);
  void place(const Decision& d, std::vector<NodeShares>& where);
  void record_sample(const Decision& d);

  // Per-job scratch for apply(), kept across points: clearing O(jobs) vectors at every point
  // dominated long runs. by_job_ is reset entry by entry; old_gpus_ is written for every running
  // job before it is read.
  std::vector<const Assignment*> by_job_;
  std::vector<int> old_gpus_;
  std::unordered_map<int, std::size_t> leader_;  // group -> index of its first member in run
  bool follower(const Decision& d, std::size_t k) const {
    return d.run[k].group >= 0 && leader_.at(d.run[k].group) != k;
  }
};

void TrainingEngine::Impl::finish_now(int i, SimTime finish, bool during_apply) {
  if (!during_apply) {
    set_completion(i, kForever);
    complete(i);
    jobs_[i].finish = finish;
    sim_.cancel(decision_);  // complete() asked for a decision; the current point serves it
    return;
  }
  const std::size_t n = jobs_.size();
  if (i < 0 || static_cast<std::size_t>(i) >= n || finish > now() ||
      (jobs_[i].status != JobStatus::kRunning && jobs_[i].status != JobStatus::kPending)) {
    policy_bug(fmt::format("job index {} cannot finish at {}", i, to_seconds(finish)));
  }
  bank(i);
  auto& r = jobs_[i];
  sim_.cancel(r.completion);
  r.work_done = r.work_total;
  r.status = JobStatus::kFinished;
  r.finish = finish;
  r.gpus = 0;
  r.rate = 0;
  r.nodes.clear();
  ++done_;
  ++finished_in_apply_;
  policy_.on_finish(*this, i);
}

void TrainingEngine::Impl::decide() {
  last_decision_ = now();
  model_->begin_point();
  std::erase_if(active_, [this](int i) {  // drop finished/rejected jobs, bank the others
    auto s = jobs_[i].status;
    if (s != JobStatus::kPending && s != JobStatus::kRunning) return true;
    bank(i);
    return false;
  });
  model_->before_policy();
  std::erase_if(active_, [this](int i) { return jobs_[i].status == JobStatus::kFinished; });

  auto t0 = std::chrono::steady_clock::now();
  Decision d = policy_.schedule(*this);
  policy_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  unspaced_at_ = d.unspaced_at;
  apply(d);

  ++round_;
  arrivals_.clear();
  completions_.clear();
  schedule_wakeups(d);
  if (progress_fn) progress_fn(done_, jobs_.size(), now(), sim_.events_processed());
  if (cfg_.max_events && sim_.events_processed() >= cfg_.max_events) {
    throw InputError(fmt::format("--max-events {} reached at t={}s with {} of {} jobs done",
                                 cfg_.max_events, to_seconds(now()), done_, jobs_.size()));
  }
}

void TrainingEngine::Impl::schedule_wakeups(const Decision& d) {
  if (model_wake_.t != kForever) {
    if (model_wake_.replace) sim_.cancel(wake_);
    wake_ = sim_.schedule_at(model_wake_.t, [this, fire = std::move(model_wake_.fire)] {
      fire();
      request_decision();
    });
    model_wake_ = {};
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
}

// Checks the decision against the run's state and fills by_job_ and leader_.
void TrainingEngine::Impl::validate(const Decision& d) {
  const std::size_t n = jobs_.size();
  for (const auto& a : d.run) {
    if (a.job < 0 || static_cast<std::size_t>(a.job) >= n)
      policy_bug(fmt::format("unknown job {}", a.job));
    auto s = jobs_[a.job].status;
    if (s != JobStatus::kPending && s != JobStatus::kRunning)
      policy_bug(fmt::format("job {} is not active", trace_.jobs[a.job].id));
    if (a.gpus <= 0) policy_bug(fmt::format("job {} given {} GPUs", trace_.jobs[a.job].id, a.gpus));
    if (by_job_[a.job]) policy_bug(fmt::format("job {} assigned twice", trace_.jobs[a.job].id));
    by_job_[a.job] = &a;
  }
  // Shared-GPU groups: the first member in `run` is the leader that gets placed.
  leader_.clear();
  for (std::size_t k = 0; k < d.run.size(); ++k) {
    const auto& a = d.run[k];
    if (a.group < 0) continue;
    auto [it, fresh] = leader_.try_emplace(a.group, k);
    if (!fresh && d.run[it->second].gpus != a.gpus)
      policy_bug(fmt::format("group {} members ask for different GPU counts", a.group));
  }
  // Borrowed GPUs are recorded, never taken (Assignment::borrowed).
  for (const auto& a : d.run) {
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
        by_job_[i]) {
      policy_bug(fmt::format("job index {} cannot be rejected", i));
    }
  }
}

// Where each assignment runs: explicit nodes, then unchanged jobs keeping theirs, then the
// scheme for the rest; group followers take their leader's. Rebuilds state_.
void TrainingEngine::Impl::place(const Decision& d, std::vector<NodeShares>& where) {
  ClusterState next = ClusterState::empty_of(cluster_);
  std::vector<char> placed(d.run.size(), 0);
  const bool nodes_matter = placement_.assigns_nodes();
  auto take_or_fail = [&](std::size_t k, const NodeShares& ns) {
    const auto& a = d.run[k];
    if (!take(next, ns, a.gpus))
      policy_bug(fmt::format("job {} does not fit on its GPUs", trace_.jobs[a.job].id));
    placement_.charge_extra(trace_.jobs[a.job], ns, next, +1);
    where[k] = ns;
    placed[k] = 1;
  };
  for (std::size_t k = 0; k < d.run.size(); ++k) {
    const auto& a = d.run[k];
    if (follower(d, k)) continue;
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
        policy_bug(
            fmt::format("job {}: nodes hold {} GPUs, not {}", trace_.jobs[a.job].id, sum, a.gpus));
      take_or_fail(k, a.nodes);
    }
  }
  for (std::size_t k = 0; k < d.run.size(); ++k) {
    const auto& a = d.run[k];
    const auto& r = jobs_[a.job];
    if (follower(d, k)) continue;
    if (!placed[k] && r.status == JobStatus::kRunning && r.gpus == a.gpus &&
        (!nodes_matter || !r.nodes.empty())) {
      take_or_fail(k, r.nodes);
    }
  }
  for (std::size_t k = 0; k < d.run.size(); ++k) {
    if (placed[k] || follower(d, k)) continue;
    const auto& a = d.run[k];
    auto ns = placement_.place(trace_.jobs[a.job], a.gpus, next);
    if (!ns)
      policy_bug(fmt::format("GPUs over-allocated: job {} ({} GPUs) does not fit",
                             trace_.jobs[a.job].id, a.gpus));
    where[k] = std::move(*ns);
    placed[k] = 1;
  }
  for (std::size_t k = 0; k < d.run.size(); ++k) {
    if (follower(d, k)) where[k] = where[leader_.at(d.run[k].group)];
  }
  state_ = std::move(next);
}

void TrainingEngine::Impl::apply(const Decision& d) {
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
  finished_in_apply_ = 0;
  model_->pre_apply(d);
  validate(d);

  // Preempt running jobs that lost their GPUs; remember the old allocation of the others.
  for (int i : active_) {
    auto& r = jobs_[i];
    if (r.status != JobStatus::kRunning) continue;
    old_gpus_[i] = r.gpus;
    if (!by_job_[i]) {
      sim_.cancel(r.completion);
      r.status = JobStatus::kPending;
      r.gpus = 0;
      r.rate = 0;
      r.nodes.clear();
      r.group = -1;
      r.borrowed = false;
      ++r.preemptions;
      model_->preempt(i);
    }
  }
  std::vector<NodeShares> where(d.run.size());
  place(d, where);

  for (std::size_t k = 0; k < d.run.size(); ++k) {
    const auto& a = d.run[k];
    auto& r = jobs_[a.job];
    const bool was_running = r.status == JobStatus::kRunning;
    const bool moved = was_running && where[k] != r.nodes;
    r.borrowed = a.borrowed;
    if (was_running && r.gpus == a.gpus && !moved) {
      model_->keep(a.job, a);
      r.group = a.group;
      continue;
    }
    const AllocationChange change{was_running ? old_gpus_[a.job] : 0, a.gpus, moved};
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
    const Job& job = trace_.jobs[a.job];
    model_->start(a.job, a, overhead_.charge(job, change));
  }
  for (int i : d.reject) {
    jobs_[i].status = JobStatus::kRejected;
    ++done_;
  }
  model_->post_apply(d);
  record_sample(d);
}

// Every active job is now running (exactly those in d.run), rejected, finished by the decision,
// or pending. Members of a shared-GPU group hold their GPUs once.
void TrainingEngine::Impl::record_sample(const Decision& d) {
  int busy = 0, held = 0;
  double eff = 0;
  const int running = static_cast<int>(d.run.size());
  const int pending =
      static_cast<int>(active_.size() - d.run.size() - d.reject.size()) - finished_in_apply_;
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
  if (cfg_.check_invariants && busy + state_.total_free_gpus != cluster_.total_gpus())
    throw InvariantError("GPU accounting broken");
  shared_excess_ = held - busy;
  samples_.push_back(ClusterSample{now(), busy, running, pending,
                                   cfg_.efficiency ? eff / cluster_.total_gpus() : 0.0});
}

TrainingEngine::TrainingEngine(const Cluster& c, const Trace& t, const ThroughputModel& tp,
                               const PlacementScheme& pl, const OverheadModel& oh,
                               TrainingPolicy& p, EngineConfig cfg)
    : impl_(std::make_unique<Impl>(c, t, tp, pl, oh, p, std::move(cfg))) {}
TrainingEngine::~TrainingEngine() = default;

void TrainingEngine::set_progress(Progress cb) {
  impl_->progress_fn = std::move(cb);
}

RunResult TrainingEngine::run() {
  return impl_->run();
}

}  // namespace clustersim
