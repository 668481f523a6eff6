#include "training/muri/grouping.hpp"

#include <algorithm>
#include <cmath>
#include <map>

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

namespace {

// Matching of one class's graph (nodes = current groups), memoised on the graph's signature.
std::vector<int> class_matching(const std::vector<Group>& nodes, const GroupingConfig& cfg,
                                Interleaver& il, const std::vector<int>& profile_of) {
  const int n = static_cast<int>(nodes.size());
  if (n <= 1) return std::vector<int>(n, -1);
  std::string sig;
  sig.reserve(4 + sizeof(double) + nodes.size() * 9);
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
  auto& memo = il.matching_memo();
  if (auto hit = memo.find(sig); hit != memo.end()) return hit->second;

  // Node types: the members' profile ids in order. The weight of (u, v) depends only on the two
  // types (u's jobs first, then v's, as Muri fills its matrix), so it is computed once per pair.
  struct Type {
    std::array<int, 4> ids{};
    std::array<double, 4> used{};
    int size = 0;
  };
  std::vector<Type> types;
  std::map<std::array<int, 5>, int> type_of;
  std::vector<int> type(n);
  for (int u = 0; u < n; ++u) {
    Type t;
    for (int j : nodes[u]) {
      t.ids[t.size] = profile_of[j];
      t.used[t.size] = il.profile(profile_of[j]).stage_sum();
      ++t.size;
    }
    const std::array<int, 5> key{t.size, t.ids[0], t.ids[1], t.ids[2], t.ids[3]};
    auto [it, fresh] = type_of.try_emplace(key, static_cast<int>(types.size()));
    if (fresh) types.push_back(t);
    type[u] = it->second;
  }
  const int nt = static_cast<int>(types.size());
  std::vector<double> pair(static_cast<std::size_t>(nt) * nt, 0.0);
  std::vector<int> ids;
  for (int a = 0; a < nt; ++a) {
    for (int b = 0; b < nt; ++b) {
      const Type& tu = types[a];
      const Type& tv = types[b];
      const int size = tu.size + tv.size;
      if (size > cfg.packing_num) continue;
      ids.assign(tu.ids.begin(), tu.ids.begin() + tu.size);
      ids.insert(ids.end(), tv.ids.begin(), tv.ids.begin() + tv.size);
      double used = 0;
      for (int k = 0; k < tu.size; ++k)
        used += tu.used[k];
      for (int k = 0; k < tv.size; ++k)
        used += tv.used[k];
      const double x = used / (il.time(ids, cfg.ordering) * 4);
      if (x <= cfg.weight_lbd * size / 4.0) continue;
      pair[a * nt + b] = x;
    }
  }
  std::vector<double> w(static_cast<std::size_t>(n) * n, 0.0);
  for (int u = 0; u < n; ++u) {
    const double* row = pair.data() + static_cast<std::size_t>(type[u]) * nt;
    for (int v = 0; v < n; ++v) {
      if (u != v) w[u * n + v] = row[type[v]];
    }
  }
  std::vector<int> mate = max_weight_matching(n, w);
  if (memo.size() > 20000) memo.clear();
  memo.emplace(std::move(sig), mate);
  return mate;
}

}  // namespace

std::vector<GpuClass> blossom_grouping(std::vector<GpuClass> classes, int cluster_gpus,
                                       const GroupingConfig& cfg, Interleaver& il,
                                       const std::vector<int>& profile_of) {
  int required = 0;
  for (const auto& c : classes)
    required += static_cast<int>(c.groups.size()) * c.gpus;
  for (int round = 0; round < cfg.packing_num; ++round) {
    // Muri matches every class, then walks the matched pairs class by class in node order and
    // merges while the GPUs required exceed the cluster's. The walk of class c depends only on
    // c's matching and on `required` when it starts, so class by class is the same.
    std::vector<GpuClass> next(classes.size());
    for (std::size_t c = 0; c < classes.size(); ++c) {
      next[c].gpus = classes[c].gpus;
      auto& src = classes[c].groups;
      auto& dst = next[c].groups;
      if (cfg.skip_matching_when_fits && required <= cluster_gpus) {
        // Nothing of this class merges and this is the last round: the matching would only
        // order these groups.
        dst = std::move(src);
        continue;
      }
      const std::vector<int> mate = class_matching(src, cfg, il, profile_of);
      const int n = static_cast<int>(src.size());
      for (int u = 0; u < n; ++u) {
        if (mate[u] >= 0 && mate[u] > u) continue;  // listed at its partner's (larger) index
        const int a = mate[u] < 0 ? u : mate[u];
        const int b = mate[u] < 0 ? -1 : u;
        if (required <= cluster_gpus) {
          dst.push_back(std::move(src[a]));
          if (b >= 0) dst.push_back(std::move(src[b]));
        } else {
          Group merged = std::move(src[a]);
          if (b >= 0) {
            merged.insert(merged.end(), src[b].begin(), src[b].end());
            required -= classes[c].gpus;
          }
          dst.push_back(std::move(merged));
        }
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
