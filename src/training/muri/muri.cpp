// Muri (SIGCOMM'22) as its simulator runs it (`multi-resource-blossom-same-gpu[-unaware]`):
// jobs with the same GPU count are grouped on shared GPUs and interleaved (model in
// src/training/muri/interleave.hpp, grouping in grouping.hpp). At every event:
//  1. priority key, ascending: muri-s = remaining GPU-time (remaining iterations x isolated
//     iteration time x GPUs; the trace duration x GPUs until the job has run), muri-l = attained
//     GPU-time (time run x GPUs, a continuous 2D-LAS); stable sort of the persistent job list
//     (which the previous event left sorted by GPU count, descending);
//  2. candidates: walking that order, each job that fits (tentative yarn placement) opens a
//     slot claiming the next `packing_num` jobs of its GPU class;
//  3. grouping (Blossom rounds, or the sequential no-Blossom ablation) until the candidates'
//     GPUs fit the cluster;
//  4. autopack (muri.autopack, default on as in Muri's final code; off reproduces paper
//     Figs. 9-12): a group slower than its members run one after the other is split up; groups
//     are then ordered by their best member's key and admitted greedily (tentative yarn);
//  5. final placement, jobs by GPU count descending: each group placed once with yarn, every
//     member running at the group's calibrated iteration time, charged at every event the sum
//     of its members' restart overheads.
// Parameters: muri.autopack (bool), muri.packing_num (2..4, default 4), muri.ordering
// (best|worst), muri.blossom (bool), plus the muri.overhead* keys of muri/sim.hpp. Named
// variants: muri-l-worstordering (worst ordering), muri-l-noblossom (no Blossom; c_4 = 1.3/1.015
// as in Muri's `multi-resource-gpu-unaware`).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/iteration_clock.hpp"
#include "clustersim/training/policy.hpp"
#include "training/muri/grouping.hpp"
#include "training/muri/sim.hpp"

namespace clustersim {
namespace {

struct Variant {
  bool know_duration = true;
  muri::Ordering ordering = muri::Ordering::kBest;
  bool blossom = true;
};

muri::Calibration calibration(bool blossom) {
  muri::Calibration c;
  if (!blossom) c.c[3] = 1.3 / 1.015;
  return c;
}

class Muri final : public TrainingPolicy {
 public:
  Muri(const PolicyEnv& env, Variant v)
      : v_(v), yarn_(env.cluster), oh_(env.params), il_(muri::Calibration{}) {
    const auto& p = env.params;
    autopack_ = p.get_bool("muri.autopack");
    cfg_.packing_num = static_cast<int>(p.get_int("muri.packing_num"));
    v_.ordering =
        p.get_string("muri.ordering") == "best" ? muri::Ordering::kBest : muri::Ordering::kWorst;
    v_.blossom = p.get_bool("muri.blossom");
    cfg_.ordering = v_.ordering;
    cfg_.skip_matching_when_fits = !autopack_;
    il_ = muri::Interleaver(calibration(v_.blossom));
  }

  EngineNeeds engine_needs() const override {
    return {.progress = "iteration-clock",
            .defaults = {{"progress.merge_end_near_arrival", "true"}},
            .own_placement = true};
  }

  Decision schedule(const SchedulingContext& ctx) override {
    take_arrivals(ctx);
    sort_by_key(ctx);
    Candidates c = candidates(ctx);
    const int total = ctx.cluster().total_gpus();
    std::vector<muri::GpuClass> grouped =
        v_.blossom
            ? muri::blossom_grouping(std::move(c.classes), total, cfg_, il_, profile_of_)
            : muri::sequential_grouping(c.classes, c.slots, c.required, total, cfg_.packing_num);
    return place(ctx, autopack_ ? autopack(grouped) : flatten(grouped));
  }

 private:
  using Groups = std::vector<std::pair<int, muri::Group>>;  // (gpus, members)
  struct Candidates {
    std::vector<muri::GpuClass> classes;
    std::vector<int> slots;
    int required = 0;  // GPUs the candidates ask for
  };

  void take_arrivals(const SchedulingContext& ctx) {
    for (int i : ctx.arrivals()) {
      if (profile_of_.size() <= static_cast<std::size_t>(i)) grow(i + 1);
      const Job& j = ctx.job(i);
      it_[i] = muri::isolated_iteration_time(j);
      const auto st = muri::stage_times(j);
      profile_of_[i] = il_.intern({st[0], st[1], st[2], it_[i]});
      order_.push_back(i);
    }
    std::erase_if(order_, [&](int i) {
      auto s = ctx.state(i).status;
      return s != JobStatus::kPending && s != JobStatus::kRunning;
    });
  }

  // 1. keys
  void sort_by_key(const SchedulingContext& ctx) {
    for (int i : order_) {
      const Job& j = ctx.job(i);
      const auto& r = ctx.state(i);
      if (r.status == JobStatus::kRunning) ran_[i] = 1;
      if (v_.know_duration) {
        key_[i] = ran_[i] ? muri::remaining_iterations(ctx, i) * it_[i] * j.gpus
                          : j.duration_s.value_or(0) * j.gpus;
      } else {
        key_[i] = clock_job(ctx, i).run_s * j.gpus;
      }
    }
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return key_[a] < key_[b]; });
  }

  // 2. candidates
  Candidates candidates(const SchedulingContext& ctx) {
    Candidates out;
    std::vector<std::vector<int>> members;
    std::map<int, std::size_t> cls;
    for (int i : order_) {
      const int g = ctx.job(i).gpus;
      auto [it, fresh] = cls.try_emplace(g, out.classes.size());
      if (fresh) {
        out.classes.push_back({g, {}});
        members.emplace_back();
      }
      members[it->second].push_back(i);
      used_[i] = 0;
    }
    std::vector<int> chosen(out.classes.size(), 0);
    out.slots.assign(out.classes.size(), 0);
    yarn_.reset();
    for (int i : order_) {
      if (used_[i]) continue;
      const int g = ctx.job(i).gpus;
      if (!yarn_.place(g)) continue;
      const std::size_t c = cls[g];
      const int up =
          std::min<int>(chosen[c] + cfg_.packing_num, static_cast<int>(members[c].size()));
      ++out.slots[c];
      for (int t = chosen[c]; t < up; ++t)
        used_[members[c][t]] = 1;
      chosen[c] = up;
    }
    for (std::size_t c = 0; c < out.classes.size(); ++c) {
      for (int t = 0; t < chosen[c]; ++t)
        out.classes[c].groups.push_back({members[c][t]});
      out.required += chosen[c] * out.classes[c].gpus;
    }
    return out;
  }

  static Groups flatten(std::vector<muri::GpuClass>& grouped) {
    Groups groups;
    for (auto& c : grouped) {
      for (auto& g : c.groups)
        groups.emplace_back(c.gpus, std::move(g));
    }
    return groups;
  }

  // 4. autopack
  Groups autopack(const std::vector<muri::GpuClass>& grouped) {
    struct Entry {
      int gpus;
      muri::Group g;
      double key;
    };
    std::vector<Entry> entries;
    for (const auto& c : grouped) {
      for (const auto& g : c.groups) {
        double sum = 0, best = key_[g[0]];
        for (int j : g) {
          sum += it_[j];
          best = std::min(best, key_[j]);
        }
        if (il_.time(profiles(g), muri::Ordering::kBest) / sum > 1) {
          for (int j : g)
            entries.push_back({c.gpus, {j}, key_[j]});
        } else {
          entries.push_back({c.gpus, g, best});
        }
      }
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.key < b.key; });
    Groups groups;
    yarn_.reset();
    for (auto& e : entries) {
      if (yarn_.place(e.gpus)) groups.emplace_back(e.gpus, std::move(e.g));
    }
    return groups;
  }

  // 5. final placement
  Decision place(const SchedulingContext& ctx, const Groups& groups) {
    for (int i : order_)
      group_of_[i] = -1;
    for (std::size_t k = 0; k < groups.size(); ++k) {
      for (int j : groups[k].second)
        group_of_[j] = static_cast<int>(k);
    }
    std::stable_sort(order_.begin(), order_.end(),
                     [&](int a, int b) { return ctx.job(a).gpus > ctx.job(b).gpus; });
    std::vector<NodeShares> where(groups.size());
    std::vector<char> placed(groups.size(), 0);
    yarn_.reset();
    Decision d;
    auto& plan = plan_for<IterationClockPlan>(d);
    for (int i : order_) {
      const int k = group_of_[i];
      if (k < 0) continue;
      const Job& j = ctx.job(i);
      if (!placed[k]) {
        auto ns = yarn_.place(j.gpus);
        if (!ns) continue;
        where[k] = std::move(*ns);
        placed[k] = 1;
      }
      const auto& g = groups[k].second;
      Assignment a{i, j.gpus, where[k]};
      a.group = g.size() > 1 ? k : -1;
      double overhead = -1;  // a group pays every member's restart overhead at every event
      if (oh_.enabled()) {
        overhead = 0;
        for (int m : g)
          overhead += oh_.seconds(j.gpus, ctx.job(m).model);
      }
      plan.set(i, il_.time(profiles(g), v_.ordering), overhead);
      d.run.push_back(std::move(a));
    }
    return d;
  }

  Variant v_;
  bool autopack_ = true;
  muri::GroupingConfig cfg_;
  muri::YarnPlacer yarn_;
  muri::RestartOverheads oh_;
  muri::Interleaver il_;
  std::vector<int> order_;
  std::vector<int> profile_of_, group_of_;
  std::vector<double> it_, key_;
  std::vector<char> ran_, used_;

  void grow(std::size_t n) {
    profile_of_.resize(n, -1);
    group_of_.resize(n, -1);
    it_.resize(n, 0);
    key_.resize(n, 0);
    ran_.resize(n, 0);
    used_.resize(n, 0);
  }
  std::vector<int> profiles(const muri::Group& g) const {
    std::vector<int> ids;
    ids.reserve(g.size());
    for (int j : g)
      ids.push_back(profile_of_[j]);
    return ids;
  }
};

std::unique_ptr<TrainingPolicy> make(const PolicyEnv& env, Variant v) {
  return std::make_unique<Muri>(env, v);
}

ParamSpecs params() {
  auto specs = muri::RestartOverheads::specs();
  specs.push_back(
      param::flag("muri.autopack", true, "Muri's autopack: group only when the cluster is full"));
  specs.push_back(param::integer("muri.packing_num", 4, "jobs", "largest group", 1, 4));
  specs.push_back(param::choice("muri.ordering", "best", {"best", "worst"},
                                "member ordering inside a group (worst: the ablation)"));
  specs.push_back(param::flag("muri.blossom", true,
                              "group by Blossom matching (false: the sequential ablation)"));
  return specs;
}

const bool registered = [] {
  register_policy(
      "muri-s", "Muri-S: interleaving groups, shortest remaining GPU-time first",
      [](const PolicyEnv& e) {
        return make(e, {true, muri::Ordering::kBest, true});
      },
      params());
  register_policy(
      "muri-l", "Muri-L: interleaving groups, least attained GPU-time first",
      [](const PolicyEnv& e) {
        return make(e, {false, muri::Ordering::kBest, true});
      },
      params());
  training_policies().add_alias("muri-l-worstordering", "muri-l", {{"muri.ordering", "worst"}});
  training_policies().add_alias("muri-l-noblossom", "muri-l", {{"muri.blossom", "false"}});
  return true;
}();

}  // namespace
}  // namespace clustersim
