// Exact and greedy solvers of the Chronus lease MIP; see chronus_lease.hpp.
//
// Exchange rule (why the search may skip some sets). Take demands i and j with the same g, both
// with leases still to place at lease t, n_i, n_j remaining, latest start LS = m - n. If a
// feasible plan runs j but not i at t, swapping them at t and at one later lease s where i runs
// and j does not (s < m_j) gives a feasible plan too. Such an s exists if
//  (a) m_i <= m_j and n_i >= n_j (i's n_i later leases cannot all be among j's n_j - 1), or
//  (b) m_i >= m_j and LS_i <= LS_j (at least n_i - (m_i - m_j) >= n_j of i's later leases
//      lie before m_j).
// We say i dominates j (identical demands: the lower index). Each swap replaces a set member
// by one that sorts earlier under (LS, -m, index), so swapping terminates: some optimal plan
// never runs a dominated demand at t while leaving its dominator out. Forced demands
// (n = m - t) cannot be dominated by a non-forced one.
#include "training/elasticflow/chronus_lease.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_set>
#include <utility>

namespace clustersim::chronus {
namespace {

using I64 = std::int64_t;

class Search {
 public:
  Search(const std::vector<LeaseDemand>& ds, int capacity, I64 node_limit)
      : ds_(ds), n_(static_cast<int>(ds.size())), G_(capacity), limit_(node_limit) {
    need_.resize(n_);
    bits_.resize(n_);
    for (int i = 0; i < n_; ++i) {
      need_[i] = ds[i].r;
      bits_[i].assign(std::max<I64>(ds[i].m, 0), 0);
    }
    for (const auto& d : ds)
      if (d.m > 0) ms_.push_back(d.m);
    std::sort(ms_.begin(), ms_.end());
    ms_.erase(std::unique(ms_.begin(), ms_.end()), ms_.end());
  }

  // Necessary condition at lease t (exact when all g are equal).
  bool prefix_ok(I64 t) const {
    for (int i = 0; i < n_; ++i)
      if (need_[i] > 0 && need_[i] > ds_[i].m - t) return false;
    for (I64 d : ms_) {
      if (d <= t) continue;
      I64 mand = 0;
      for (int i = 0; i < n_; ++i) {
        if (need_[i] <= 0) continue;
        const I64 k = ds_[i].m <= d ? need_[i] : need_[i] - (ds_[i].m - d);
        if (k > 0) mand += k * ds_[i].g;
      }
      if (mand > (d - t) * G_) return false;
    }
    return true;
  }

  I64 ls(int i, I64 t) const { return ds_[i].m - t - need_[i]; }

  bool dominates(int i, int j, I64 t) const {
    if (ds_[i].g != ds_[j].g) return false;
    const I64 mi = ds_[i].m, mj = ds_[j].m, ni = need_[i], nj = need_[j];
    const bool a = mi <= mj && ni >= nj;
    const bool b = mi >= mj && ls(i, t) <= ls(j, t);
    if (!a && !b) return false;
    if (mi == mj && ni == nj) return i < j;
    return true;
  }

  // Feasibility of the remaining demand from lease t; on success the plan is in best_bits_.
  bool dfs(I64 t) {
    if (aborted_) return false;
    if (++nodes_ > limit_) {
      aborted_ = true;
      return false;
    }
    bool any = false;
    for (int i = 0; i < n_ && !any; ++i)
      any = need_[i] > 0;
    if (!any) {
      best_bits_ = bits_;
      return true;
    }
    if (!prefix_ok(t)) return false;
    std::string key = state_key(t);
    if (failed_.count(key)) return false;
    std::vector<int> forced, cands;
    I64 left = G_;
    for (int i = 0; i < n_; ++i) {
      if (need_[i] <= 0 || ds_[i].m <= t) continue;
      if (need_[i] == ds_[i].m - t) {
        forced.push_back(i);
        left -= ds_[i].g;
      } else {
        cands.push_back(i);
      }
    }
    bool ok = false;
    if (left >= 0) {
      for (int i : forced)
        take(i, t);
      std::sort(cands.begin(), cands.end(), [&](int a, int b) {
        if (ls(a, t) != ls(b, t)) return ls(a, t) < ls(b, t);
        if (ds_[a].g != ds_[b].g) return ds_[a].g > ds_[b].g;
        if (ds_[a].m != ds_[b].m) return ds_[a].m > ds_[b].m;
        return a < b;
      });
      std::vector<int> in, out;
      ok = enumerate(cands, 0, left, t, in, out, /*maximal=*/true, [&]() { return dfs(t + 1); });
      for (int i : forced)
        give(i, t);
    }
    if (!ok && !aborted_) failed_.insert(std::move(key));
    return ok;
  }

  // Include/exclude over cands[k..] respecting capacity and the exchange rule; calls leaf()
  // on each complete set (maximal ones only when `maximal`). Stops at the first true leaf.
  template <class Leaf>
  bool enumerate(const std::vector<int>& cands, std::size_t k, I64 left, I64 t,
                 std::vector<int>& in, std::vector<int>& out, bool maximal, Leaf&& leaf) {
    if (aborted_) return false;
    if (k == cands.size()) {
      if (maximal) {
        for (int e : out)
          if (ds_[e].g <= left) return false;  // a superset is enumerated elsewhere
      }
      return leaf();
    }
    const int c = cands[k];
    if (ds_[c].g <= left && !dominated_by(c, out, t)) {
      take(c, t);
      in.push_back(c);
      const bool ok = enumerate(cands, k + 1, left - ds_[c].g, t, in, out, maximal, leaf);
      in.pop_back();
      give(c, t);
      if (ok) return true;
    }
    if (!dominates_any(c, in, t)) {
      out.push_back(c);
      const bool ok = enumerate(cands, k + 1, left, t, in, out, maximal, leaf);
      out.pop_back();
      if (ok) return true;
    }
    return false;
  }

  bool dominated_by(int c, const std::vector<int>& out, I64 t) const {
    // Dominance is evaluated with the needs before lease t is taken.
    for (int e : out)
      if (dominates(e, c, t)) return true;
    return false;
  }
  bool dominates_any(int c, const std::vector<int>& in, I64 t) {
    for (int j : in) {
      give(j, t);  // compare with j's need before this lease
      const bool d = dominates(c, j, t);
      take(j, t);
      if (d) return true;
    }
    return false;
  }

  void take(int i, I64 t) {
    bits_[i][t] = 1;
    --need_[i];
  }
  void give(int i, I64 t) {
    bits_[i][t] = 0;
    ++need_[i];
  }

  std::string state_key(I64 t) const {
    std::string k = std::to_string(t);
    for (I64 v : need_) {
      k.push_back(',');
      k += std::to_string(v);
    }
    return k;
  }

  const std::vector<LeaseDemand>& ds_;
  int n_;
  I64 G_;
  I64 limit_;
  std::vector<I64> ms_;
  std::vector<I64> need_;
  LeaseBits bits_, best_bits_;
  std::unordered_set<std::string> failed_;
  I64 nodes_ = 0;
  bool aborted_ = false;
};

bool divisible_sizes(const std::vector<LeaseDemand>& ds, int capacity) {
  std::vector<int> g;
  for (const auto& d : ds)
    g.push_back(d.g);
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  for (std::size_t k = 1; k < g.size(); ++k)
    if (g[k - 1] <= 0 || g[k] % g[k - 1] != 0) return false;
  return g.empty() || (g[0] > 0 && capacity % g.back() == 0);
}

// Lower bound on the lease-0 load from the prefix condition: for every deadline d, what must
// run in [0, d), sum_j g_j max(0, r_j - max(0, m_j - d)), minus what leases 1 .. d-1 can hold.
// The sum is mand(d) = sum_{m_j <= d} g_j r_j + sum_{LS_j < d < m_j} g_j (d - LS_j) with
// LS_j = m_j - r_j; a sweep over d in increasing order keeps both parts.
I64 min_lease0_bound(const std::vector<LeaseDemand>& ds, int capacity) {
  std::vector<std::pair<I64, int>> by_m, by_ls;
  for (int j = 0; j < static_cast<int>(ds.size()); ++j) {
    if (ds[j].m <= 0 || ds[j].r <= 0) continue;
    by_m.push_back({ds[j].m, j});
    by_ls.push_back({ds[j].m - ds[j].r, j});
  }
  std::sort(by_m.begin(), by_m.end());
  std::sort(by_ls.begin(), by_ls.end());
  I64 done = 0;                // sum g r over m_j <= d
  I64 act_g = 0, act_gls = 0;  // sum g and sum g LS over LS_j < d (minus those with m_j <= d)
  I64 best = 0;
  std::size_t a = 0, b = 0;
  for (std::size_t k = 0; k < by_m.size(); ++k) {
    const I64 d = by_m[k].first;
    while (a < by_ls.size() && by_ls[a].first < d) {
      const auto& e = ds[by_ls[a].second];
      act_g += e.g;
      act_gls += e.g * by_ls[a].first;
      ++a;
    }
    while (b < by_m.size() && by_m[b].first <= d) {
      const auto& e = ds[by_m[b].second];
      done += e.g * e.r;
      // LS < m always (r >= 1), so this demand was counted as active: take it out.
      act_g -= e.g;
      act_gls -= e.g * (e.m - e.r);
      ++b;
    }
    const I64 mand = done + d * act_g - act_gls;
    best = std::max(best, mand - (d - 1) * static_cast<I64>(capacity));
  }
  return best;
}

}  // namespace

namespace {
// Validates `bits` and leaves the capacity each lease has left in `free` (at least 1 entry).
bool plan_free(const std::vector<LeaseDemand>& ds, int capacity, const LeaseBits& bits,
               std::vector<I64>& free) {
  if (bits.size() != ds.size()) return false;
  I64 M = 1;
  for (const auto& d : ds)
    M = std::max(M, d.m);
  free.assign(M, capacity);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (static_cast<I64>(bits[i].size()) != std::max<I64>(ds[i].m, 0)) return false;
    I64 cnt = 0;
    const char* b = bits[i].data();
    I64* f = free.data();
    const I64 g = ds[i].g;
    for (I64 t = 0; t < ds[i].m; ++t) {
      cnt += b[t];
      f[t] -= b[t] * g;
    }
    if (cnt != ds[i].r) return false;
  }
  return std::all_of(free.begin(), free.end(), [](I64 l) { return l >= 0; });
}
}  // namespace

bool lease_plan_valid(const std::vector<LeaseDemand>& ds, int capacity, const LeaseBits& bits) {
  std::vector<I64> free;
  return plan_free(ds, capacity, bits, free);
}

I64 lease0_load(const std::vector<LeaseDemand>& ds, const LeaseBits& bits) {
  I64 s = 0;
  for (std::size_t i = 0; i < ds.size(); ++i)
    if (!bits[i].empty() && bits[i][0]) s += ds[i].g;
  return s;
}

void greedy_lease_plan(const std::vector<LeaseDemand>& ds, LeaseObjective objective,
                       LeaseBits& bits, std::vector<I64>& free) {
  std::vector<int> order(ds.size());
  std::iota(order.begin(), order.end(), 0);
  if (objective == LeaseObjective::kMaximize) {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ds[a].m < ds[b].m; });
    for (int i : order) {
      auto& p = bits[i];
      if (p.empty() || p[0] || free[0] < ds[i].g) continue;
      for (I64 t = static_cast<I64>(p.size()) - 1; t > 0; --t) {
        if (p[t]) {
          p[t] = 0;
          free[t] += ds[i].g;
          p[0] = 1;
          free[0] -= ds[i].g;
          break;
        }
      }
    }
  } else {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      if (ds[a].g != ds[b].g) return ds[a].g > ds[b].g;
      return ds[a].m > ds[b].m;
    });
    for (int i : order) {
      auto& p = bits[i];
      if (p.empty() || !p[0]) continue;
      for (I64 t = static_cast<I64>(p.size()) - 1; t > 0; --t) {
        if (!p[t] && free[t] >= ds[i].g) {
          p[t] = 1;
          free[t] -= ds[i].g;
          p[0] = 0;
          free[0] += ds[i].g;
          break;
        }
      }
    }
  }
}

namespace {
LeasePlanResult solve_optimum(const std::vector<LeaseDemand>& ds, int capacity,
                              LeaseObjective objective, LeaseBits* witness, I64 node_limit);
}  // namespace

LeasePlanResult solve_lease_plan(const std::vector<LeaseDemand>& ds, int capacity,
                                 LeaseObjective objective, LeaseBits* witness, I64 node_limit,
                                 LeaseCompletion completion) {
  auto res = solve_optimum(ds, capacity, objective, witness, node_limit);
  if (completion != LeaseCompletion::kEarliest || !res.feasible) return res;
  Search s(ds, capacity, node_limit);
  for (std::size_t i = 0; i < ds.size(); ++i)
    if (!res.bits[i].empty() && res.bits[i][0]) s.take(static_cast<int>(i), 0);
  const bool ok = s.dfs(1);
  res.nodes += s.nodes_;
  if (ok) res.bits = s.best_bits_;  // else (node limit) keep the plan found
  return res;
}

namespace {
// Over 80 lines: incumbent, bound and candidate set are one branch-and-bound set-up whose
// locals the search closes over; split, each part would take and return all of them.
LeasePlanResult solve_optimum(const std::vector<LeaseDemand>& ds, int capacity,
                              LeaseObjective objective, LeaseBits* witness, I64 node_limit) {
  LeasePlanResult res;
  const int n = static_cast<int>(ds.size());
  const bool maximize = objective == LeaseObjective::kMaximize;
  I64 M = 0;
  for (const auto& d : ds)
    M = std::max(M, d.m);
  // Incumbent: the witness improved by the greedy moves.
  std::vector<I64> free;
  if (witness && plan_free(ds, capacity, *witness, free)) {
    res.bits = std::move(*witness);
    greedy_lease_plan(ds, objective, res.bits, free);
    res.feasible = true;
    res.lease0 = lease0_load(ds, res.bits);
  }
  // Bound on the lease-0 load.
  I64 forced = 0;
  for (const auto& d : ds)
    if (d.r > 0 && d.r == d.m) forced += d.g;
  I64 bound;
  if (maximize) {
    std::vector<int> g;
    for (const auto& d : ds)
      if (d.r > 0 && d.m > 0) g.push_back(d.g);
    std::sort(g.rbegin(), g.rend());
    I64 sum = std::accumulate(g.begin(), g.end(), I64{0});
    bound = std::min<I64>(capacity, sum);
    if (divisible_sizes(ds, capacity)) {
      I64 left = capacity;
      for (int x : g)
        if (x <= left) left -= x;
      bound = capacity - left;
    }
  } else {
    bound = std::max(forced, min_lease0_bound(ds, capacity));
  }
  if (res.feasible && res.lease0 == bound) {
    res.proven = true;
    return res;
  }
  res.searched = true;
  Search s(ds, capacity, node_limit);
  // Candidates for lease 0: every demand with leases left, forced ones always in.
  std::vector<int> cands;
  I64 left = capacity;
  bool forced_fit = true;
  for (int i = 0; i < n; ++i) {
    if (ds[i].r <= 0 || ds[i].m <= 0) continue;
    if (ds[i].r == ds[i].m) {
      s.take(i, 0);
      left -= ds[i].g;
    } else {
      cands.push_back(i);
    }
  }
  if (left < 0) forced_fit = false;
  std::sort(cands.begin(), cands.end(), [&](int a, int b) {
    if (ds[a].g != ds[b].g) return ds[a].g > ds[b].g;
    if (s.ls(a, 0) != s.ls(b, 0)) return s.ls(a, 0) < s.ls(b, 0);
    if (ds[a].m != ds[b].m) return ds[a].m > ds[b].m;
    return a < b;
  });
  I64 best = res.feasible ? res.lease0 : (maximize ? -1 : std::numeric_limits<I64>::max());
  if (forced_fit) {
    // Branch and bound over lease-0 sets; the leaf never reports success so that every
    // improving set is tried, and `best` tightens the pruning as plans are found.
    std::vector<int> in, out;
    // Suffix sums of candidate sizes for the "maximise" bound (largest-first fill).
    auto fill_bound = [&](std::size_t k, I64 room) {
      I64 got = 0;
      for (std::size_t q = k; q < cands.size(); ++q)
        if (ds[cands[q]].g <= room - got) got += ds[cands[q]].g;
      return got;
    };
    const bool divisible = divisible_sizes(ds, capacity);
    std::function<void(std::size_t, I64)> rec = [&](std::size_t k, I64 room) {
      if (s.aborted_) return;
      const I64 load = capacity - room;
      if (maximize) {
        I64 ub = load + (divisible ? fill_bound(k, room) : room);
        if (!divisible) {
          I64 rest = 0;
          for (std::size_t q = k; q < cands.size(); ++q)
            rest += ds[cands[q]].g;
          ub = std::min(ub, load + rest);
        }
        if (ub <= best) return;
      } else {
        if (load >= best) return;
        // Optimistic: undecided candidates run in lease 0.
        for (std::size_t q = k; q < cands.size(); ++q)
          --s.need_[cands[q]];
        const bool ok = s.prefix_ok(1);
        for (std::size_t q = k; q < cands.size(); ++q)
          ++s.need_[cands[q]];
        if (!ok) return;
      }
      if (k == cands.size()) {
        if (maximize) {
          for (int e : out)
            if (ds[e].g <= room) return;
        }
        if (s.dfs(1)) {
          best = load;
          res.bits = s.best_bits_;
          res.feasible = true;
          res.lease0 = load;
        }
        return;
      }
      const int c = cands[k];
      auto include = [&] {
        if (ds[c].g > room || s.dominated_by(c, out, 0)) return;
        s.take(c, 0);
        in.push_back(c);
        rec(k + 1, room - ds[c].g);
        in.pop_back();
        s.give(c, 0);
      };
      auto exclude = [&] {
        if (s.dominates_any(c, in, 0)) return;
        out.push_back(c);
        rec(k + 1, room);
        out.pop_back();
      };
      if (maximize) {
        include();
        if (best == bound) return;
        exclude();
      } else {
        exclude();
        if (best == bound) return;
        include();
      }
    };
    rec(0, left);
  }
  res.nodes = s.nodes_;
  res.proven = !s.aborted_;
  return res;
}

}  // namespace

}  // namespace clustersim::chronus
