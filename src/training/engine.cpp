#include "clustersim/training/engine.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

Registry<PolicyFactory>& training_policies() {
  static Registry<PolicyFactory> registry("policy");
  return registry;
}

class TrainingEngine::Impl final : public SchedulingContext {
 public:
  Impl(const Cluster& c, const Trace& t, const ThroughputModel& tp, const PlacementScheme& pl,
       const OverheadModel& oh, TrainingPolicy& p, EngineConfig cfg)
      : cluster_(c), trace_(t), tp_(tp), placement_(pl), overhead_(oh), policy_(p),
        cfg_(std::move(cfg)), sim_(make_event_queue(cfg_.event_queue)),
        state_(ClusterState::empty_of(c)), jobs_(t.jobs.size()) {}

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

  std::function<void(std::size_t, std::size_t, SimTime)> progress;

  RunResult run() {
    for (const auto& j : trace_.jobs) {
      auto& r = jobs_[j.index];
      r.work_total = tp_.work(j);
      sim_.schedule_at(j.submit, [this, i = j.index] { arrive(i); });
    }
    sim_.run();
    RunResult out;
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
  std::unordered_map<int, int> group_live_;
  EventId wake_;                             // the latest policy wake-up  // running members per Assignment::group

  void arrive(int i) {
    auto& r = jobs_[i];
    r.status = JobStatus::kPending;
    r.last_update = now();
    active_.push_back(i);
    arrivals_.push_back(i);
    request_decision();
  }

  void complete(int i) {
    auto& r = jobs_[i];
    bank(i);
    r.work_done = r.work_total;
    r.status = JobStatus::kFinished;
    r.finish = now();
    // Members of a shared-GPU group release the GPUs only when the last one finishes.
    if (r.group < 0 || --group_live_[r.group] == 0) release(state_, r.nodes, r.gpus);
    r.gpus = 0;
    r.rate = 0;
    ++done_;
    completions_.push_back(i);
    policy_.on_finish(*this, i);
    request_decision();
  }

  void request_decision() {
    SimTime t = now();
    if (last_decision_ >= 0 && cfg_.min_interval > 0) t = std::max(t, last_decision_ + cfg_.min_interval);
    if (sim_.is_pending(decision_)) {
      if (decision_time_ <= t) return;
      sim_.cancel(decision_);
    }
    decision_time_ = t;
    decision_ = sim_.schedule_at(t, [this] { decide(); });
  }

  void bank(int i) {
    auto& r = jobs_[i];
    const SimTime t = now();
    if (r.status == JobStatus::kRunning) {
      if (r.event_overhead_s >= 0) {
        const double dt = to_seconds(t - r.last_update) - r.event_overhead_s;
        if (dt > 0) r.work_done += r.rate * dt;
      } else {
        const SimTime from = std::max(r.last_update, r.overhead_until);
        if (t > from) r.work_done += r.rate * to_seconds(t - from);
      }
      r.run_time += t - r.last_update;
      r.gpu_time_s += r.gpus * to_seconds(t - r.last_update);
    } else if (r.status == JobStatus::kPending) {
      r.pending_time += t - r.last_update;
    }
    r.last_update = t;
  }

  void reschedule_completion(int i) {
    auto& r = jobs_[i];
    sim_.cancel(r.completion);
    if (r.rate <= 0) return;
    const SimTime start = std::max(now(), r.overhead_until);
    r.completion = sim_.schedule_at(start + ceil_seconds(r.remaining() / r.rate), [this, i] { complete(i); });
  }

  [[noreturn]] void policy_bug(const std::string& what) const {
    throw InvariantError(fmt::format("policy decision at t={}s: {}", to_seconds(now()), what));
  }

  void decide() {
    last_decision_ = now();
    std::erase_if(active_, [this](int i) {
      auto s = jobs_[i].status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
    for (int i : active_) bank(i);

    auto t0 = std::chrono::steady_clock::now();
    Decision d = policy_.schedule(*this);
    policy_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    apply(d);

    ++round_;
    arrivals_.clear();
    completions_.clear();
    if (d.wake_at != kForever) {
      if (d.wake_at <= now()) policy_bug("wake-up time is not in the future");
      if (d.wake_replaces_previous) sim_.cancel(wake_);
      wake_ = sim_.schedule_at(d.wake_at, [this] { request_decision(); });
    } else if (d.wake_replaces_previous) {
      sim_.cancel(wake_);
    }
    if (cfg_.slot > 0 && !active_.empty() && next_slot_ <= now()) {
      next_slot_ = now() + cfg_.slot;
      sim_.schedule_at(next_slot_, [this] { request_decision(); });
    }
    if (progress) progress(done_, jobs_.size(), now());
  }

  void apply(const Decision& d) {
    const std::size_t n = jobs_.size();
    std::vector<const Assignment*> by_job(n, nullptr);
    for (const auto& a : d.run) {
      if (a.job < 0 || static_cast<std::size_t>(a.job) >= n) policy_bug(fmt::format("unknown job {}", a.job));
      auto s = jobs_[a.job].status;
      if (s != JobStatus::kPending && s != JobStatus::kRunning) {
        policy_bug(fmt::format("job {} is not active", trace_.jobs[a.job].id));
      }
      if (a.gpus <= 0) policy_bug(fmt::format("job {} given {} GPUs", trace_.jobs[a.job].id, a.gpus));
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
    auto follower = [&](std::size_t k) { return d.run[k].group >= 0 && leader[d.run[k].group] != k; };
    for (int i : d.reject) {
      if (i < 0 || static_cast<std::size_t>(i) >= n || jobs_[i].status != JobStatus::kPending || by_job[i]) {
        policy_bug(fmt::format("job index {} cannot be rejected", i));
      }
    }

    // Preempt running jobs that lost their GPUs; remember the old allocation of the others.
    ClusterState next = ClusterState::empty_of(cluster_);
    std::vector<int> old_gpus(n, 0);
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
      where[k] = ns;
      placed[k] = 1;
    };
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      if (follower(k)) continue;
      if (!a.nodes.empty()) {
        int sum = 0;
        for (auto& [node, g] : a.nodes) sum += g;
        if (sum != a.gpus) policy_bug(fmt::format("job {}: nodes hold {} GPUs, not {}", trace_.jobs[a.job].id, sum, a.gpus));
        take_or_fail(k, a.nodes);
      }
    }
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      const auto& a = d.run[k];
      const auto& r = jobs_[a.job];
      if (follower(k)) continue;
      if (!placed[k] && r.status == JobStatus::kRunning && r.gpus == a.gpus && (!nodes_matter || !r.nodes.empty())) {
        take_or_fail(k, r.nodes);
      }
    }
    for (std::size_t k = 0; k < d.run.size(); ++k) {
      if (placed[k] || follower(k)) continue;
      const auto& a = d.run[k];
      auto ns = placement_.place(trace_.jobs[a.job], a.gpus, next);
      if (!ns) policy_bug(fmt::format("GPUs over-allocated: job {} ({} GPUs) does not fit", trace_.jobs[a.job].id, a.gpus));
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
      if (was_running && r.gpus == a.gpus && !moved) {
        if (a.rate > 0 || a.group >= 0 || a.event_overhead_s >= 0 || r.group >= 0 || r.event_overhead_s >= 0) {
          const double rate = a.rate > 0 ? a.rate : tp_.rate(job, a.gpus, r.nodes);
          r.group = a.group;
          r.event_overhead_s = a.event_overhead_s;
          if (!(rate > 0)) policy_bug(fmt::format("job {} has no throughput on {} GPUs", job.id, a.gpus));
          if (rate != r.rate || r.event_overhead_s >= 0) {
            r.rate = rate;
            reschedule_completion(a.job);
          }
        }
        continue;
      }
      AllocationChange change{was_running ? old_gpus[a.job] : 0, a.gpus, moved};
      if (!was_running) {
        if (r.first_start < 0) r.first_start = now();
        else ++r.resumes;
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
      if (!(r.rate > 0)) policy_bug(fmt::format("job {} has no throughput on {} GPUs", job.id, a.gpus));
      reschedule_completion(a.job);
    }
    for (int i : d.reject) {
      jobs_[i].status = JobStatus::kRejected;
      ++done_;
    }

    int busy = 0, running = 0, pending = 0;
    group_live_.clear();
    for (int i : active_) {
      const auto& r = jobs_[i];
      if (r.status == JobStatus::kRunning) {
        if (r.group < 0 || group_live_[r.group]++ == 0) busy += r.gpus;
        ++running;
        if (cfg_.check_invariants && r.work_done < -1e-9) throw InvariantError("negative progress");
      } else if (r.status == JobStatus::kPending) {
        ++pending;
      }
    }
    if (cfg_.check_invariants && busy + state_.total_free_gpus != cluster_.total_gpus()) {
      throw InvariantError("GPU accounting broken");
    }
    samples_.push_back(ClusterSample{now(), busy, running, pending});
  }
};

TrainingEngine::TrainingEngine(const Cluster& c, const Trace& t, const ThroughputModel& tp,
                               const PlacementScheme& pl, const OverheadModel& oh, TrainingPolicy& p,
                               EngineConfig cfg)
    : impl_(std::make_unique<Impl>(c, t, tp, pl, oh, p, std::move(cfg))) {}
TrainingEngine::~TrainingEngine() = default;

void TrainingEngine::set_progress(std::function<void(std::size_t, std::size_t, SimTime)> cb) {
  impl_->progress = std::move(cb);
}

RunResult TrainingEngine::run() { return impl_->run(); }

}  // namespace clustersim
