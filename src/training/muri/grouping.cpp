#include "clustersim/training/muri/grouping.hpp"

#include <algorithm>
#include <cmath>

#include "clustersim/core/error.hpp"

namespace clustersim::muri {

Interleaver::Interleaver(Calibration cal, std::vector<JobProfile> profiles) : cal_(cal) {
  for (const auto& p : profiles)
    intern(p);
}

int Interleaver::intern(const JobProfile& p) {
  const std::array<double, 4> key{p.data, p.gpu, p.net, p.iteration_time};
  auto [it, fresh] = ids_.try_emplace(key, static_cast<int>(profiles_.size()));
  if (fresh) {
    if (profiles_.size() >= 0x7ffe) throw InvariantError("too many distinct job profiles");
    profiles_.push_back(p);
  }
  return it->second;
}

double Interleaver::time(const std::vector<int>& ids, Ordering ordering) {
  if (ids.empty() || ids.size() > 4) throw InvariantError("group of 1..4 jobs expected");
  std::array<int, 4> s{};
  std::copy(ids.begin(), ids.end(), s.begin());
  std::sort(s.begin(), s.begin() + ids.size());
  // 3 bits of size, then 15 bits per id (+1, so 0 = absent).
  std::uint64_t key = ids.size();
  for (std::size_t k = 0; k < ids.size(); ++k)
    key = (key << 15) | static_cast<std::uint64_t>(s[k] + 1);
  auto& cache = cache_[ordering == Ordering::kBest ? 0 : 1];
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::vector<const JobProfile*> jobs;
  for (int id : ids)
    jobs.push_back(&profiles_[id]);
  const double t = group_iteration_time(jobs, ordering, cal_);
  cache.emplace(key, t);
  return t;
}

double Interleaver::efficiency(const std::vector<int>& ids, Ordering ordering) {
  double used = 0;
  for (int id : ids)
    used += profiles_[id].stage_sum();
  return used / (time(ids, ordering) * 4);
}

std::vector<GpuClass> blossom_grouping(std::vector<GpuClass> classes, int cluster_gpus,
                                       const GroupingConfig& cfg, Interleaver& il,
                                       const std::vector<int>& profile_of) {
  int required = 0;
  for (const auto& c : classes)
    required += static_cast<int>(c.groups.size()) * c.gpus;
  for (int round = 0; round < cfg.packing_num; ++round) {
    struct Ready {
      std::size_t cls;
      int a, b;  // node indices; b = -1 for a single
    };
    std::vector<Ready> ready;
    for (std::size_t c = 0; c < classes.size(); ++c) {
      const auto& nodes = classes[c].groups;
      const int n = static_cast<int>(nodes.size());
      std::vector<int> mate(n, -1);
      std::string sig;
      if (n > 1 && !(cfg.skip_matching_when_fits && required <= cluster_gpus)) {
        sig.reserve(4 + 3 * nodes.size() * 4);
        sig.push_back(static_cast<char>(cfg.ordering == Ordering::kBest ? 'b' : 'w'));
        sig.push_back(static_cast<char>('0' + cfg.packing_num));
        sig.append(reinterpret_cast<const char*>(&cfg.weight_lbd), sizeof(double));
        for (const auto& g : nodes) {
          sig.push_back(static_cast<char>(g.size()));
          for (int j : g) {
            const int id = profile_of[j];
            sig.push_back(static_cast<char>(id & 0xff));
            sig.push_back(static_cast<char>((id >> 8) & 0xff));
          }
        }
      }
      auto& memo = il.matching_memo();
      auto hit = sig.empty() ? memo.end() : memo.find(sig);
      if (hit != memo.end()) {
        mate = hit->second;
      } else if (!sig.empty()) {
        // Per node: sorted profile ids and the members' stage sums in order.
        struct NodeInfo {
          std::array<int, 4> ids{};
          std::array<double, 4> used{};
          int size = 0;
        };
        std::vector<NodeInfo> info(n);
        for (int u = 0; u < n; ++u) {
          auto& f = info[u];
          for (int j : nodes[u]) {
            f.ids[f.size] = profile_of[j];
            f.used[f.size] = il.profile(profile_of[j]).stage_sum();
            ++f.size;
          }
        }
        // Weights from both sides (u's jobs first, then v's), as Muri fills its matrix.
        std::vector<double> w(static_cast<std::size_t>(n) * n, 0.0);
        std::vector<int> ids;
        for (int u = 0; u < n; ++u) {
          for (int v = 0; v < n; ++v) {
            const int size = info[u].size + info[v].size;
            if (u == v || size > cfg.packing_num) continue;
            ids.assign(info[u].ids.begin(), info[u].ids.begin() + info[u].size);
            ids.insert(ids.end(), info[v].ids.begin(), info[v].ids.begin() + info[v].size);
            double used = 0;
            for (int k = 0; k < info[u].size; ++k)
              used += info[u].used[k];
            for (int k = 0; k < info[v].size; ++k)
              used += info[v].used[k];
            const double x = used / (il.time(ids, cfg.ordering) * 4);
            if (x <= cfg.weight_lbd * size / 4.0) continue;
            w[u * n + v] = x;
          }
        }
        mate = max_weight_matching(n, w);
        if (memo.size() > 20000) memo.clear();
        memo.emplace(std::move(sig), mate);
      }
      for (int u = 0; u < n; ++u) {
        if (mate[u] < 0)
          ready.push_back({c, u, -1});
        else if (mate[u] < u)
          ready.push_back({c, mate[u], u});
      }
    }
    std::vector<GpuClass> next(classes.size());
    for (std::size_t c = 0; c < classes.size(); ++c)
      next[c].gpus = classes[c].gpus;
    for (const auto& r : ready) {
      auto& src = classes[r.cls].groups;
      auto& dst = next[r.cls].groups;
      if (required <= cluster_gpus) {
        dst.push_back(std::move(src[r.a]));
        if (r.b >= 0) dst.push_back(std::move(src[r.b]));
      } else {
        Group merged = std::move(src[r.a]);
        if (r.b >= 0) {
          merged.insert(merged.end(), src[r.b].begin(), src[r.b].end());
          required -= classes[r.cls].gpus;
        }
        dst.push_back(std::move(merged));
      }
    }
    classes = std::move(next);
    if (required <= cluster_gpus) break;
  }
  return classes;
}

std::vector<GpuClass> sequential_grouping(const std::vector<GpuClass>& classes,
                                          const std::vector<int>& slots, int required,
                                          int cluster_gpus, int packing_num) {
  std::vector<GpuClass> out(classes.size());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto& cand = classes[c].groups;
    const int key = classes[c].gpus;
    const int chosen = static_cast<int>(cand.size());
    out[c].gpus = key;
    for (int i = 0; i < slots[c]; ++i) {
      Group packing = cand[i * packing_num];
      for (int j = 1; j < packing_num; ++j) {
        const int k = j + i * packing_num;
        if (k >= chosen) break;
        if (required > cluster_gpus) {
          packing.insert(packing.end(), cand[k].begin(), cand[k].end());
          required -= key;
        } else {
          out[c].groups.push_back(cand[k]);
        }
      }
      out[c].groups.push_back(std::move(packing));
    }
  }
  return out;
}

}  // namespace clustersim::muri
