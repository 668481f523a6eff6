// gandiva: the ElasticFlow artifact's Gandiva baseline (scheduler.py gandiva_sim_jobs with
// cluster.gandiva_placement, gandiva_node_set_adjust and time_slicing_execute). Non-elastic: a
// job always uses its trace GPU count. Nodes form "node sets" per job size class; a set holds
// jobs up to its capacity (strictly below it when joining an existing set, a quirk kept) and,
// when no free nodes remain, takes more jobs and time-slices them: only the first `capacity`
// jobs of a set run, and they rotate to the back whenever the point's time is a multiple of
// 60 s. Every point, node sets per class are grown or shrunk in proportion to the class's GPU
// demand. Progress is executed seconds against the trace's duration, credited only at
// scheduling points (the arrivals, coalesced one slot apart, then one slot apart once every job
// has arrived), so a job's finish is recorded retroactively. Every running job pays the
// uncached ElasticFlow overhead (2 + 2(log2 n + 1) s, +27 s every `slot`-th point) at every
// point. A job's logged start (jobs.csv ef_start_s, the artifact's start_time) is when it joins
// a node set, time-sliced out or not. Parameters: ef.slot_s (60).
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
constexpr int kClasses[] = {1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 88, 128, 256};

class Gandiva final : public TrainingPolicy {
 public:
  explicit Gandiva(const PolicyEnv& env)
      : slot_(ef::slot_param(env.params)), G_(env.cluster.total_gpus()) {
    const auto& nodes = env.cluster.nodes();
    gpn_ = nodes.empty() ? 1 : nodes.front().gpus;
    for (const auto& n : nodes) {
      if (n.gpus != gpn_) throw InputError("gandiva: the artifact's node sets need equal nodes");
    }
    free_nodes_ = static_cast<int>(nodes.size());
    for (int c : kClasses)
      groups_.push_back({c, {}});
  }

  EngineNeeds engine_needs() const override { return ef::artifact_engine_needs(slot_, true); }

  Decision schedule(const SchedulingContext& ctx) override {
    const Sec now = to_sec(ctx.now());
    Decision d;
    if (started_) {
      adjust();
      const Sec diff = now - last_;
      const bool release = time_slice(ctx, now, diff, d);
      for (int i : ctx.arrivals())
        arrive(ctx, i, now);
      if (release) {
        // The artifact removes started jobs from the list it iterates, so the job after each
        // started one is skipped this time.
        std::vector<int> list = pending_;
        for (std::size_t k = 0; k < list.size(); ++k) {
          const int p = list[k];
          if (place(ctx, p)) {
            std::erase(pending_, p);
            start(ctx, p, now);
            ++k;
          }
        }
      }
    } else {
      started_ = true;
      for (int i : ctx.arrivals())
        arrive(ctx, i, now);
    }
    last_ = now;
    // Overhead for the next interval: only at points that still have arrivals ahead.
    const bool events_left = ctx.next_arrival() != kForever;
    if (events_left) {
      const bool restart = count_ > 0 && count_ % slot_ == 0;
      ++count_;
      for (int r : running_)
        overhead_[r] = overhead_s(ctx.job(r).gpus, restart);
    }
    // Hold GPUs: the first `capacity` jobs of every set (what the next point will credit,
    // unless its re-balancing moves jobs first).
    for (auto& [c, list] : groups_) {
      for (int sid : list) {
        const auto& s = sets_[sid];
        for (std::size_t k = 0; k < s.jobs.size() && static_cast<int>(k) < concurrency(s); ++k) {
          const int j = s.jobs[k];
          d.run.push_back({j, ctx.job(j).gpus, {}});
          plan_for<PlannedEndPlan>(d).ends.push_back(
              {j, ctx.now(), ctx.now() + seconds(Sec{1} << 40)});
        }
      }
    }
    // Without arrivals left the artifact steps one slot at a time while jobs remain.
    if (!events_left && (!running_.empty() || !pending_.empty()))
      d.replan_at = seconds(now + slot_);
    return d;
  }

  void report(nlohmann::json& s) const override {
    s["deadline_satisfaction_artifact"] = ef::artifact_ratio(accepted_, declined_);
  }

  std::vector<JobColumn> extra_job_columns(std::size_t jobs) const override {
    JobColumn c{"ef_start_s", std::vector<std::string>(jobs)};
    for (std::size_t i = 0; i < logged_start_.size() && i < jobs; ++i) {
      if (logged_start_[i] >= 0) c.values[i] = std::to_string(logged_start_[i]);
    }
    return {c};
  }

 private:
  struct Set {
    int nodes = 0, capacity = 0, util = 0;
    std::vector<int> jobs;
  };
  Sec slot_;
  int G_, gpn_ = 1, free_nodes_ = 0;
  bool started_ = false;
  Sec last_ = 0;
  std::vector<Set> sets_;
  std::vector<int> free_sets_;  // ids of dissolved sets, reused (ids are only handles)
  std::vector<std::pair<int, std::vector<int>>> groups_;
  std::vector<int> running_, pending_;
  std::vector<Sec> executed_, overhead_, logged_start_;
  std::uint64_t count_ = 0;
  int accepted_ = 0, declined_ = 0;

  static Sec to_sec(SimTime t) { return ef::whole_seconds(t, "gandiva"); }
  Sec overhead_s(int n, bool restart) const {
    Sec o = G_ >= 256 ? 7 : 2;
    if (restart) o += G_ >= 256 ? 47 : 27;
    return o + 2 * (static_cast<Sec>(std::lround(std::log2(n))) + 1);
  }
  std::vector<int>& group(int c) {
    for (auto& [k, v] : groups_) {
      if (k == c) return v;
    }
    throw InputError(fmt::format("gandiva: no node-set class for {} GPUs", c));
  }
  void sort_group(std::vector<int>& g) {
    std::stable_sort(g.begin(), g.end(),
                     [&](int a, int b) { return sets_[a].util < sets_[b].util; });
  }
  // sort_group after only the first set's util grew: when the others are in order, the stable
  // sort just moves it in front of the first set whose util is at least its own.
  void sort_group_front_grew(std::vector<int>& g) {
    auto by_util = [&](int a, int b) { return sets_[a].util < sets_[b].util; };
    if (g.size() < 2 || !std::is_sorted(g.begin() + 1, g.end(), by_util)) return sort_group(g);
    const int u = sets_[g.front()].util;
    auto pos = std::lower_bound(g.begin() + 1, g.end(), u,
                                [&](int sid, int v) { return sets_[sid].util < v; });
    std::rotate(g.begin(), g.begin() + 1, pos);
  }
  int new_set(int n) {
    const int nodes = (n + gpn_ - 1) / gpn_;
    int sid;
    if (free_sets_.empty()) {
      sid = static_cast<int>(sets_.size());
      sets_.emplace_back();
    } else {
      sid = free_sets_.back();
      free_sets_.pop_back();
    }
    Set& s = sets_[sid];
    s.nodes = nodes;
    s.capacity = nodes * gpn_ / n;
    s.util = 0;
    s.jobs.clear();
    free_nodes_ -= nodes;
    return sid;
  }
  // Jobs that run in a set: the prefix whose (unit) utilisation stays within the capacity.
  static int concurrency(const Set& s) {
    return std::min<int>(static_cast<int>(s.jobs.size()), s.capacity);
  }

  void arrive(const SchedulingContext& ctx, int i, Sec now) {
    if (static_cast<std::size_t>(i) >= executed_.size()) {
      executed_.resize(i + 1, 0);
      overhead_.resize(i + 1, 0);
      logged_start_.resize(i + 1, -1);
    }
    if (place(ctx, i))
      start(ctx, i, now);
    else
      pending_.push_back(i);
  }
  // Joining a node set is the artifact's logged start, time-sliced out or not.
  void start(const SchedulingContext& ctx, int i, Sec now) {
    logged_start_[i] = now;
    running_.push_back(i);
    if (!ctx.job(i).best_effort) ++accepted_;
  }

  bool place(const SchedulingContext& ctx, int job) {
    const int n = ctx.job(job).gpus;
    auto& list = group(n);
    if (!list.empty()) {
      const int sid = list.front();
      list.erase(list.begin());
      auto& s = sets_[sid];
      if (s.util + 1 < s.capacity) {
        ++s.util;
        s.jobs.push_back(job);
        list.push_back(sid);
        sort_group(list);
        return true;
      }
      list.push_back(sid);
    }
    const int nodes = (n + gpn_ - 1) / gpn_;
    if (nodes <= free_nodes_) {
      const int sid = new_set(n);
      sets_[sid].util = 1;
      sets_[sid].jobs.push_back(job);
      list.push_back(sid);
      sort_group(list);
      return true;
    }
    if (!list.empty()) {  // no free nodes: time-slice on the least loaded set
      const int sid = list.front();
      list.erase(list.begin());
      ++sets_[sid].util;
      sets_[sid].jobs.push_back(job);
      list.push_back(sid);
      sort_group(list);
      return true;
    }
    return false;
  }

  void adjust() {
    int total = 0;
    std::vector<int> demand(groups_.size()), occupied(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      int jobs = 0, occ = 0;
      for (int sid : groups_[g].second) {
        jobs += static_cast<int>(sets_[sid].jobs.size());
        occ += sets_[sid].nodes * gpn_;
      }
      demand[g] = jobs * groups_[g].first;
      occupied[g] = occ;
      total += demand[g];
    }
    if (total == 0) return;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      if (demand[g] == 0) continue;
      const int c = groups_[g].first;
      const int plan = static_cast<int>(std::floor(static_cast<double>(demand[g]) / total * G_));
      const int target = plan < demand[g] ? plan : demand[g];
      const int diff = target - occupied[g];
      if (diff > 0)
        expand(c, groups_[g].second, (diff + c - 1) / c);
      else if (diff < 0)
        shrink(groups_[g].second, (-diff + c - 1) / c);
    }
  }

  void expand(int c, std::vector<int>& list, int num) {
    const int nodes = (c + gpn_ - 1) / gpn_;
    int i = 0;  // mirrors the artifact's loop variable, which its inner loop reuses
    for (int k = 1; k <= num; ++k) {
      i = k;
      if (nodes <= free_nodes_) {
        list.push_back(new_set(c));
        i = nodes - 1;
      }
    }
    if (i > 0) {
      std::vector<int> jobs;
      for (int sid : list) {
        auto& s = sets_[sid];
        if (!s.jobs.empty()) {
          jobs.insert(jobs.end(), s.jobs.begin(), s.jobs.end());
          s.jobs.clear();
          s.util = 0;
        }
      }
      for (int j : jobs) {
        auto& s = sets_[list.front()];
        ++s.util;
        s.jobs.push_back(j);
        sort_group_front_grew(list);
      }
    }
  }

  void shrink(std::vector<int>& list, int num) {
    if (static_cast<int>(list.size()) <= num) num = static_cast<int>(list.size()) - 1;
    std::vector<int> jobs;
    int i = 0;
    for (int k = 1; k <= num; ++k) {
      i = k;
      const int sid = list.front();
      list.erase(list.begin());
      jobs.insert(jobs.end(), sets_[sid].jobs.begin(), sets_[sid].jobs.end());
      free_nodes_ += sets_[sid].nodes;
      free_sets_.push_back(sid);
    }
    if (i > 0) {
      for (int j : jobs) {
        auto& s = sets_[list.front()];
        ++s.util;
        s.jobs.push_back(j);
        sort_group_front_grew(list);
      }
    }
  }

  bool time_slice(const SchedulingContext& ctx, Sec now, Sec diff, Decision& d) {
    bool release = false;
    const bool rotate = now % 60 == 0;
    for (auto& [c, list] : groups_) {
      std::vector<int> gone;
      for (int sid : list) {
        auto& s = sets_[sid];
        const int conc = concurrency(s);
        std::vector<int> ended;
        for (int k = 0; k < conc; ++k) {
          const int j = s.jobs[k];
          executed_[j] += std::max<Sec>(diff - overhead_[j], 0);
          overhead_[j] = 0;
          const Sec dur = static_cast<Sec>(ctx.job(j).duration_s.value_or(0));
          if (executed_[j] >= dur) {
            ended.push_back(j);
            const Sec end = now - (executed_[j] - dur);
            if (ctx.job(j).deadline && end > to_sec(*ctx.job(j).deadline) &&
                !ctx.job(j).best_effort) {
              ++declined_;
              --accepted_;
            }
            plan_for<PlannedEndPlan>(d).finish.push_back({j, seconds(end)});
          }
        }
        if (rotate && static_cast<int>(s.jobs.size()) > conc) {
          std::rotate(s.jobs.begin(), s.jobs.begin() + conc, s.jobs.end());
        }
        for (int j : ended) {
          std::erase(running_, j);
          std::erase(s.jobs, j);
        }
        if (s.jobs.empty()) {
          free_nodes_ += s.nodes;
          gone.push_back(sid);
          release = true;
        }
      }
      for (int sid : gone) {
        std::erase(list, sid);
        free_sets_.push_back(sid);
      }
    }
    return release;
  }
};

const bool registered = register_policy(
    "gandiva",
    "ElasticFlow artifact's Gandiva baseline: node sets per size class, time "
    "slicing, demand-based resizing",
    [](const PolicyEnv& env) { return std::make_unique<Gandiva>(env); }, {ef::slot_spec()});

}  // namespace
}  // namespace clustersim
