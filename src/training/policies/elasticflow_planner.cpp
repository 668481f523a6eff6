#include "elasticflow_planner.hpp"

#include <algorithm>
#include <cmath>

#include "clustersim/core/error.hpp"

namespace clustersim::ef {

Sec whole_seconds(SimTime t, const char* policy) {
  if (t % kSecond != 0) {
    throw InputError(std::string(policy) + ": the artifact's simulator needs whole-second times");
  }
  return t / kSecond;
}

Sec slot_param(const Params& params) {
  return params.get_int("ef.slot_s");
}

ParamSpec slot_spec() {
  return param::integer("ef.slot_s", 60, "s", "the artifact's --scheduling_slot", 1);
}

ParamSpec overhead_spec() {
  return param::choice("ef.overhead", "artifact", {"artifact", "none"},
                       "the artifact's restart/resize overheads, or none");
}

nlohmann::json artifact_ratio(int accepted, int declined) {
  const int den = accepted + declined;
  return den ? nlohmann::json(static_cast<double>(accepted) / den) : nlohmann::json(nullptr);
}

int FreeTimeline::find(Sec t) const {
  auto it = std::lower_bound(pts.begin(), pts.end(), t,
                             [](const Point& p, Sec v) { return p.first < v; });
  return it != pts.end() && it->first == t ? static_cast<int>(it - pts.begin()) : -1;
}

int& FreeTimeline::at(Sec t) {
  int k = find(t);
  if (k < 0) throw InvariantError("ElasticFlow planner: missing timeline breakpoint");
  return pts[k].second;
}

void FreeTimeline::set(Sec t, int v) {
  auto it = std::lower_bound(pts.begin(), pts.end(), t,
                             [](const Point& p, Sec x) { return p.first < x; });
  if (it != pts.end() && it->first == t)
    it->second = v;
  else
    pts.insert(it, {t, v});
}

void FreeTimeline::merge() {
  std::size_t w = 0;
  for (std::size_t r = 0; r < pts.size(); ++r) {
    if (w > 0 && pts[w - 1].second == pts[r].second) continue;
    pts[w++] = pts[r];
  }
  pts.resize(w);
}

void FreeTimeline::merge_front(std::size_t last_changed) {
  const std::size_t n = std::min(last_changed + 2, pts.size());
  std::size_t w = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (w > 0 && pts[w - 1].second == pts[r].second) continue;
    pts[w++] = pts[r];
  }
  if (w < n)
    pts.erase(pts.begin() + static_cast<std::ptrdiff_t>(w),
              pts.begin() + static_cast<std::ptrdiff_t>(n));
}

double PlanJob::rate(int g) const {
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (columns[k] == g) return rates[k];
  }
  throw InvariantError("ElasticFlow planner: no throughput at this GPU level");
}

int max_gpu_for(const Job& job, const std::vector<int>& levels, bool artifact_caps,
                const std::string& gpu_type) {
  const int largest = levels.empty() ? 1 : levels.back();
  const int batch = job.batch_size > 0 ? job.batch_size : largest;
  if (!artifact_caps) return std::max(1, std::min({64, batch, largest}));
  const std::string& m = job.model;
  const int b = job.batch_size;
  if (gpu_type == "T4") {  // models.get_max_gpu, T4 branch
    if (m == "bert" || m == "cifar10") return 16;
    if (m == "deepspeech2" && b == 320) return 32;
    if (m == "yolov3") return 4;
    if (m == "ncf") return 1;
    return 64;
  }
  if (m == "deepspeech2") return b;
  if (m == "gpt2" && b == 128) return 16;
  if (m == "gpt2" && b == 256) return 32;
  if (m == "bert") return b == 64 ? 8 : 16;
  if (m == "inception3" && b == 64) return 16;
  if (m == "inception3" && b == 128) return 32;
  if (m == "resnet50" && b == 64) return 32;
  if (m == "vgg16" && b == 64) return 32;
  return std::min(b, 64);
}

namespace {

Sec ceil_end(Sec t, double secs) {
  return static_cast<Sec>(std::ceil(static_cast<double>(t) + secs));
}

}  // namespace

EdfPlan edf_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, FreeTimeline& tl) {
  // The artifact works on a copy while walking the original's breakpoints, but it only changes
  // values behind its walk (and from the current breakpoint on when it stops), and adds
  // breakpoints only at the end, so the walk can update `tl` in place.
  auto& p = tl.pts;
  const int ks = tl.find(start);
  if (ks < 0) throw InvariantError("ElasticFlow planner: missing timeline breakpoint");
  double iter = j.iter_left;
  Sec ev = start;
  std::size_t kev = static_cast<std::size_t>(ks);
  int avail = p[kev].second;
  const int base = std::min(j.max_gpu, cluster_gpus);
  EdfPlan out;
  bool ok = true;
  auto finish = [&](int g, Sec end, bool set_ev_always, int avail_ev) {
    if (ev == start) out.gpus_now = g;
    int last = cluster_gpus;
    std::size_t i = kev;
    for (; i < p.size() && p[i].first < end; ++i) {
      last = p[i].second;
      p[i].second -= g;
    }
    std::size_t changed = i > kev ? i - 1 : kev;
    if (set_ev_always || ev != end) p[kev].second = avail_ev - g;
    if (!tl.has(end)) {
      // The artifact's set(): overwrite or insert (at or after i: the point is >= end).
      const Sec a = align(start, end, slot);
      const std::size_t q = static_cast<std::size_t>(
          std::lower_bound(p.begin(), p.end(), a,
                           [](const FreeTimeline::Point& x, Sec v) { return x.first < v; }) -
          p.begin());
      if (q < p.size() && p[q].first == a)
        p[q].second = last;
      else
        p.insert(p.begin() + static_cast<std::ptrdiff_t>(q), {a, last});
      changed = std::max(changed, q);
    }
    tl.merge_front(changed);
    out.end = end;
    out.meets = ok && end <= j.ddl;
    return out;
  };
  for (std::size_t k = kev + 1; k < p.size(); ++k) {
    const Sec t = p[k].first;
    const double dur = static_cast<double>(t - ev);
    if (avail >= base && base > 0) {
      const Sec end = ceil_end(ev, iter / j.rate(base));
      if (t >= end) return finish(base, end, false, avail);
      iter -= dur * j.rate(base);
      if (ev == start) out.gpus_now = base;
      p[kev].second -= base;
    } else if (avail > 0 && base > 0) {
      int g = 0;
      for (int c : j.columns) {
        if (c > avail) break;
        g = c;
      }
      if (g == 0) throw InvariantError("ElasticFlow planner: no level fits the free GPUs");
      const Sec end = ceil_end(ev, iter / j.rate(g));
      if (t >= end) return finish(g, end, true, avail);
      iter -= dur * j.rate(g);
      if (ev == start) out.gpus_now = g;
      p[kev].second -= g;
    }
    avail = p[k].second;
    ev = t;
    kev = k;
    if (ev > j.ddl) ok = false;
  }
  // Past the last breakpoint the whole cluster is assumed free.
  if (ev == start) out.gpus_now = base;
  const Sec end = ceil_end(ev, iter / j.rate(base));
  p[kev].second = cluster_gpus - base;
  tl.set(align(start, end, slot), cluster_gpus);
  tl.merge();
  out.end = end;
  out.meets = ok && end <= j.ddl;
  return out;
}

}  // namespace clustersim::ef

namespace clustersim::ef {

int next_level(const PlanJob& j, int g) {
  bool found = g == 0;
  for (int c : j.columns) {
    if (c > j.max_gpu) break;
    if (c == g) {
      found = true;
      continue;
    }
    if (found) return c;
  }
  return g;
}

int last_level(const PlanJob& j, int g) {
  int out = 0;
  for (int c : j.columns) {
    if (c > j.max_gpu || c >= g) break;
    out = c;
  }
  return out;
}

double allocation_time(const FreeTimeline& alloc, Sec end) {
  double t = 0;
  for (std::size_t k = 0; k + 1 < alloc.pts.size(); ++k) {
    t += static_cast<double>(alloc.pts[k].second) *
         static_cast<double>(alloc.pts[k + 1].first - alloc.pts[k].first);
  }
  if (!alloc.pts.empty())
    t += static_cast<double>(alloc.pts.back().second) *
         static_cast<double>(end - alloc.pts.back().first);
  return t;
}

namespace {

Sec ceil_sec(double x) {
  return static_cast<Sec>(std::ceil(x));
}

}  // namespace

namespace {

using Points = std::vector<FreeTimeline::Point>;

std::size_t lower_index(const Points& v, Sec t) {
  return static_cast<std::size_t>(
      std::lower_bound(v.begin(), v.end(), t,
                       [](const FreeTimeline::Point& p, Sec x) { return p.first < x; }) -
      v.begin());
}

bool has_point(const Points& v, Sec t) {
  const std::size_t k = lower_index(v, t);
  return k < v.size() && v[k].first == t;
}

}  // namespace

EfPlan ef_plan(const PlanJob& j, Sec start, Sec slot, int G, const FreeTimeline& tl, int assigned) {
  EfPlan out;
  ef_plan(j, start, slot, G, tl, assigned, out);
  return out;
}

// The artifact's loops walk a copy `f` of the timeline by breakpoint; here `f` is out.timeline,
// walked by index (it holds tl's breakpoints plus the aligned deadline until the plan is done),
// and the job's allocation is built in out.alloc.
void ef_plan(const PlanJob& j, Sec start, Sec slot, int G, const FreeTimeline& tl, int assigned,
             EfPlan& out) {
  if (!(j.iter_left > 0)) throw InvariantError("ElasticFlow planner: job without remaining work");
  if (tl.pts.empty() || tl.pts.front().first != start)
    throw InvariantError("ElasticFlow planner: the timeline must start at the planning instant");
  const double ddl = static_cast<double>(j.ddl);
  Sec ev = start;
  double iter = j.iter_left;
  FreeTimeline& ft = out.timeline;
  FreeTimeline& alloc = out.alloc;
  Points& f = ft.pts;
  Points& al = alloc.pts;
  f.assign(tl.pts.begin(), tl.pts.end());
  al.clear();
  al.push_back({start, 0});
  out.fallback = false;
  int last_event_gpu = G;  // one variable across the whole function, as in the artifact
  const Sec aligned_ddl = align(start, j.ddl, slot);
  {
    const std::size_t k = lower_index(f, aligned_ddl);
    if (!(k < f.size() && f[k].first == aligned_ddl) && aligned_ddl >= start) {
      if (k > 0) last_event_gpu = f[k - 1].second;
      f.insert(f.begin() + static_cast<std::ptrdiff_t>(k), {aligned_ddl, last_event_gpu});
    }
  }
  const int available = f.front().second;  // f starts at `start` (= ev)
  auto done = [&](Sec end, Sec real_end) {
    ft.merge();
    alloc.merge();
    out.end = end;
    out.real_end = real_end;
    out.gpu_time = allocation_time(alloc, end);
    out.meets = static_cast<double>(real_end) <= ddl;
  };

  if (assigned > 0) {
    const int quota = assigned;
    if (quota > available)
      throw InvariantError("ElasticFlow planner: assigned more GPUs than free");
    const Sec fut = tl.pts.size() > 1 ? tl.pts[1].first : aligned_ddl;
    al.front().second = quota;
    const Sec real_end = ceil_sec(static_cast<double>(ev) + iter / j.rate(quota));
    const Sec end = align(start, real_end, slot);
    if (fut >= end && ddl >= static_cast<double>(real_end)) {
      // Of tl's breakpoints only `ev` lies in [ev, end).
      if (ev < end) {
        last_event_gpu = f.front().second;
        f.front().second -= quota;
      }
      if (ev != end) f.front().second = available - quota;
      if (!has_point(tl.pts, end)) ft.set(end, last_event_gpu);
      return done(end, real_end);
    }
    double dur = static_cast<double>(fut - ev);
    if (fut == aligned_ddl) dur = ddl - static_cast<double>(ev);
    iter -= dur * j.rate(quota);
    f.front().second -= quota;
    ev = fut;
    alloc.set(ev, 0);
  }

  int quota = next_level(j, 0);
  int last_quota = 0, last_last_quota = 0;
  const Sec point = start - 1;
  // Largest level <= free, capped at `q` (the artifact's min(q, get_last_level(1 + free))).
  auto fit = [&](int q, int free) { return std::min(q, last_level(j, 1 + free)); };
  const std::size_t k_ddl = lower_index(f, aligned_ddl);  // f's breakpoints before the deadline
  const std::size_t k_ev = lower_index(f, ev);
  bool listed = false;
  while (quota <= G && quota <= j.max_gpu) {
    if (!listed) {
      // The allocation lists every breakpoint before the deadline (0 where not set yet).
      listed = true;
      FreeTimeline::Point old[2];
      const std::size_t n_old = al.size();  // at most {start, fut}
      if (n_old > 2) throw InvariantError("ElasticFlow planner: unexpected allocation");
      std::copy(al.begin(), al.end(), old);
      al.clear();
      std::size_t o = 0;
      for (std::size_t k = 0; k < k_ddl; ++k) {
        const Sec t = f[k].first;
        while (o < n_old && old[o].first < t)
          al.push_back(old[o++]);
        if (o < n_old && old[o].first == t)
          al.push_back(old[o++]);
        else
          al.push_back({t, 0});
      }
      while (o < n_old)
        al.push_back(old[o++]);
    }
    Sec period_end = aligned_ddl;
    double tmp_iters = 0;
    for (std::size_t k = k_ddl; k-- > 0;) {
      const Sec ps = f[k].first;
      if (ps < ev) break;
      int a = quota;
      if (f[k].second < quota) a = fit(quota, f[k].second);
      if (a == 0) {
        period_end = ps;
        continue;
      }
      double dur = static_cast<double>(period_end - ps);
      if (period_end == aligned_ddl) dur = ddl - static_cast<double>(ps);
      tmp_iters += dur * j.rate(a);
      if (tmp_iters >= iter) {
        // Fill forward from `ev`: last level before `ps`, this level from `ps` on.
        Sec last_t = -1;
        std::size_t last_m = 0, ac = 0;
        int last_a = 0;
        bool have_last = false;
        Sec end = -1, real_end = -1;
        auto alloc_set = [&](Sec t, int v) {  // t grows from call to call
          while (ac < al.size() && al[ac].first < t)
            ++ac;
          if (ac < al.size() && al[ac].first == t)
            al[ac].second = v;
          else
            al.insert(al.begin() + static_cast<std::ptrdiff_t>(ac), {t, v});
        };
        for (std::size_t m = k_ev; m < f.size(); ++m) {
          const Sec t = f[m].first;
          if (t > aligned_ddl) break;
          if (!have_last) {
            have_last = true;
            last_t = t;
            last_m = m;
            last_a = fit(t >= ps ? quota : last_quota, f[m].second);
            continue;
          }
          alloc_set(last_t, last_a);
          f[last_m].second -= last_a;
          if (last_a == 0) {
            last_t = t;
            last_m = m;
            last_a = fit(t >= ps ? quota : last_quota, f[m].second);
            continue;
          }
          double d2 = static_cast<double>(t - last_t);
          if (t == aligned_ddl) d2 = ddl - static_cast<double>(last_t);
          const double its = d2 * j.rate(last_a);
          if (last_t < ps) {
            iter -= its;
          } else if (its < iter) {
            iter -= its;
          } else {
            const Sec real_left = ceil_sec(iter / j.rate(last_a));
            end = last_t + align(0, real_left, slot);
            real_end = last_t + real_left;
            break;
          }
          last_t = t;
          last_m = m;
          last_a = fit(t >= ps ? quota : last_quota, f[m].second);
        }
        if (end < 0) {
          alloc_set(last_t, last_a);
          f[last_m].second -= last_a;
          const Sec real_left = ceil_sec(iter / j.rate(last_a));
          real_end = last_t + real_left;
          end = last_t + align(0, real_left, slot);
        }
        int leg = G;  // tl's last value in [ev, end)
        const std::size_t k_end = lower_index(tl.pts, end);
        if (k_end > 0 && tl.pts[k_end - 1].first >= ev) leg = tl.pts[k_end - 1].second;
        if (!(k_end < tl.pts.size() && tl.pts[k_end].first == end)) ft.set(end, leg);
        return done(end, real_end);
      }
      period_end = ps;
    }
    last_last_quota = last_quota;
    last_quota = quota;
    quota = next_level(j, quota);
    if (quota == last_quota) break;
  }

  // No level meets the deadline: run at the largest level up to the deadline ...
  out.fallback = true;
  {
    Sec last_t = -1;
    int last_a = 0;
    bool have_last = false;
    for (std::size_t m = 0; m < f.size(); ++m) {
      const Sec t = f[m].first;
      if (t > aligned_ddl) break;
      if (t < ev) continue;
      if (!have_last) {
        have_last = true;
        last_t = t;
        last_a = fit(t >= point ? last_quota : last_last_quota, f[m].second);
        continue;
      }
      alloc.set(last_t, last_a);
      ft.at(last_t) -= last_a;
      if (last_a == 0) {
        last_t = t;
        last_a = fit(t >= point ? last_quota : last_last_quota, f[m].second);
        continue;
      }
      double d2 = static_cast<double>(t - last_t);
      if (t == aligned_ddl) d2 = ddl - static_cast<double>(last_t);
      iter -= d2 * j.rate(last_a);
      last_t = t;
      last_a = fit(last_quota, f[m].second);
    }
  }
  // ... then from the deadline on, the largest level that is free in each period ...
  Sec lat = std::max(aligned_ddl, ev);
  for (std::size_t m = 0; m < f.size(); ++m) {
    const Sec t = f[m].first;
    if (t <= aligned_ddl) continue;
    const int q = std::min(last_level(j, ft.at(lat) + 1), j.max_gpu);
    if (q == 0) {
      alloc.set(lat, 0);
      lat = t;
      continue;
    }
    alloc.set(lat, q);
    const double its = static_cast<double>(t - lat) * j.rate(q);
    if (its >= iter) {
      const Sec real_end = ceil_sec(static_cast<double>(lat) + iter / j.rate(q));
      const Sec end = align(start, real_end, slot);
      for (auto& [t1, v1] : f) {
        if (t1 < aligned_ddl) continue;
        if (t1 < end) {
          const int k = tl.find(t1);
          if (k >= 0) last_event_gpu = tl.pts[k].second;
        }
        if (t1 >= lat && t1 < end) v1 -= q;
      }
      if (lat != end) ft.set(lat, last_event_gpu - q);
      if (!tl.has(end)) ft.set(end, last_event_gpu);
      return done(end, real_end);
    }
    iter -= its;
    for (auto& [t1, v1] : tl.pts) {
      if (t1 < lat) last_event_gpu = ft.at(t1);
    }
    for (auto& [t1, v1] : f) {
      if (t1 >= lat && t1 < t) v1 -= q;
    }
    lat = t;
  }
  // ... and past the last breakpoint, the cap (or the assigned count) on an empty cluster.
  int q = std::min(G, j.max_gpu);
  if (assigned > 0) q = assigned;
  alloc.set(lat, q);
  const Sec real_end = ceil_sec(static_cast<double>(lat) + iter / j.rate(q));
  const Sec end = align(start, real_end, slot);
  ft.set(lat, G - q);
  ft.set(end, G);
  return done(end, real_end);
}

}  // namespace clustersim::ef

namespace clustersim::ef {

namespace {
constexpr int kGroupKeys[] = {1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 88, 128, 256};
}

ElasticNodeSets::ElasticNodeSets(int nodes, int gpus_per_node)
    : nodes_(nodes), gpn_(gpus_per_node) {
  for (int k : kGroupKeys)
    groups_.push_back({k, {}});
}

std::vector<int>& ElasticNodeSets::group(int key) {
  for (auto& [k, v] : groups_) {
    if (k == key) return v;
  }
  throw InvariantError("elastic placement: no node group for this GPU count");
}

void ElasticNodeSets::sort_group(int key) {
  auto& g = group(key);
  std::stable_sort(g.begin(), g.end(),
                   [this](int a, int b) { return sets_[a].util < sets_[b].util; });
}

std::vector<int> ElasticNodeSets::place(const std::vector<std::pair<int, int>>& jobs) {
  sets_.clear();
  free_.clear();
  for (int i = 0; i < nodes_; ++i)
    free_.push_back(i);
  for (auto& [k, v] : groups_)
    v.clear();
  std::vector<int> gpus(jobs.size());
  for (std::size_t p = 0; p < jobs.size(); ++p)
    gpus[p] = jobs[p].second;
  std::vector<char> ok(jobs.size(), 0);
  for (std::size_t p = 0; p < jobs.size(); ++p)
    ok[p] = place_one(static_cast<int>(p), gpus[p]);
  // Number the ranks as log.scheduling_result does: nodes in order; a node of a multi-node
  // set holds its one job; a small set lists its jobs in order.
  std::vector<int> first(jobs.size(), -1);
  std::vector<char> free_node(nodes_, 0);
  for (int n : free_)
    free_node[n] = 1;
  std::vector<char> recorded(jobs.size(), 0);
  int pos = 0;
  for (int node = 0; node < nodes_; ++node) {
    if (free_node[node]) {
      pos += gpn_;
      continue;
    }
    bool found = false;
    for (auto& [key, ids] : groups_) {
      for (int sid : ids) {
        const Set& s = sets_[sid];
        if (std::find(s.nodes.begin(), s.nodes.end(), node) == s.nodes.end()) continue;
        if (key >= gpn_) {
          const int j0 = s.jobs.front();
          if (!recorded[j0]) {
            first[j0] = pos;
            recorded[j0] = 1;
          }
          pos += gpn_;
        } else {
          int used = 0;
          for (int j : s.jobs) {
            first[j] = pos;
            pos += gpus[j];
            used += gpus[j];
          }
          pos += gpn_ - used;
        }
        found = true;
        break;
      }
      if (found) break;
    }
    if (!found) throw InvariantError("elastic placement: node in no set");
  }
  for (std::size_t p = 0; p < jobs.size(); ++p) {
    if (!ok[p]) first[p] = -1;
  }
  return first;
}

// After adding a job to set `sid`: file the set under the largest size class dividing its free
// GPUs (the artifact's "move to a new node list"); false if it has no free GPUs.
bool ElasticNodeSets::file_by_free(Set& s, int sid, int n_group, int /*job_pos*/) {
  const int free = static_cast<int>(s.nodes.size()) * gpn_ - s.util;
  if (free <= 0) return false;
  for (auto it = std::rbegin(kGroupKeys); it != std::rend(kGroupKeys); ++it) {
    const int each = *it;
    if (each > free) continue;
    if (free % each == 0) {
      s.num_gpus = each;
      group(each).push_back(sid);
      sort_group(n_group);
      sort_group(each);
      return true;
    }
  }
  return false;
}

bool ElasticNodeSets::place_one(int pos, int n) {
  auto& list = group(n);
  if (!list.empty()) {
    const int sid = list.front();
    list.erase(list.begin());
    Set& s = sets_[sid];
    if (s.util + n <= s.capacity) {
      s.util += n;
      s.jobs.push_back(pos);
      if (file_by_free(s, sid, n, pos)) return true;
      list.push_back(sid);
      sort_group(n);
      return true;
    }
    list.push_back(sid);
  }
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it) {
    if (it->first <= n) break;
    auto& other = it->second;
    if (other.empty()) continue;
    const int sid = other.front();
    other.erase(other.begin());
    Set& s = sets_[sid];
    if (s.util + n <= s.capacity) {
      s.util += n;
      s.jobs.push_back(pos);
      if (file_by_free(s, sid, n, pos)) return true;
      group(n).push_back(sid);
      sort_group(n);
      return true;
    }
    other.push_back(sid);
  }
  const int need = (n + gpn_ - 1) / gpn_;
  if (need > static_cast<int>(free_.size())) return false;
  Set s;
  s.capacity = need * gpn_;
  s.num_gpus = n;
  s.util = n;
  s.jobs.push_back(pos);
  s.nodes.assign(free_.begin(), free_.begin() + need);
  free_.erase(free_.begin(), free_.begin() + need);
  sets_.push_back(std::move(s));
  const int sid = static_cast<int>(sets_.size()) - 1;
  if (!file_by_free(sets_[sid], sid, n, pos)) {
    group(n).push_back(sid);
    sort_group(n);
  }
  return true;
}

}  // namespace clustersim::ef
