#include "training/elasticflow/elasticflow_planner.hpp"

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

void SubmitTimes::read(const SchedulingContext& ctx) {
  if (read_) return;
  read_ = true;
  for (std::size_t i = 0; i < ctx.job_count(); ++i)
    times_.push_back(whole_seconds(ctx.job(static_cast<int>(i)).submit, "elasticflow"));
  std::sort(times_.begin(), times_.end());
  times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
}

SimTime SubmitTimes::lone_event(Sec now, std::vector<Sec>& others) const {
  const auto next = std::upper_bound(times_.begin(), times_.end(), now);
  if (times_.end() - next >= 2) return kForever;
  if (next != times_.end()) others.push_back(*next);
  const auto [lo, hi] = std::minmax_element(others.begin(), others.end());
  return lo != others.end() && *lo == *hi ? seconds(*lo) : kForever;
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
    } else if (avail >= j.min_gpu && base > 0) {  // 04a0109; before: avail > 0
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

namespace {

// One `ef_sim_allocation` call. The artifact's loops walk a copy `f` of the timeline by
// breakpoint; here `f` is out.timeline, walked by index (it holds tl's breakpoints plus the
// aligned deadline until the plan is done), and the job's allocation is built in out.alloc.
// The artifact's locals that outlive one loop (`iter_left`, `event_time`, `last_event_gpu`)
// are members, changed by the phases in the artifact's order.
class EfPlanner {
 public:
  EfPlanner(const PlanJob& j, Sec start, Sec slot, int G, const FreeTimeline& tl, EfPlan& out)
      : j_(j),
        start_(start),
        slot_(slot),
        G_(G),
        tl_(tl),
        out_(out),
        ft_(out.timeline),
        alloc_(out.alloc),
        f_(out.timeline.pts),
        al_(out.alloc.pts),
        ddl_(static_cast<double>(j.ddl)),
        ev_(start),
        iter_(j.iter_left),
        last_event_gpu_(G),
        aligned_ddl_(align(start, j.ddl, slot)) {
    if (!(j.iter_left > 0)) throw InvariantError("ElasticFlow planner: job without remaining work");
    if (tl.pts.empty() || tl.pts.front().first != start)
      throw InvariantError("ElasticFlow planner: the timeline must start at the planning instant");
    f_.assign(tl.pts.begin(), tl.pts.end());
    al_.clear();
    al_.push_back({start, 0});
    out.fallback = false;
    const std::size_t k = lower_index(f_, aligned_ddl_);
    if (!(k < f_.size() && f_[k].first == aligned_ddl_) && aligned_ddl_ >= start) {
      if (k > 0) last_event_gpu_ = f_[k - 1].second;
      f_.insert(f_.begin() + static_cast<std::ptrdiff_t>(k), {aligned_ddl_, last_event_gpu_});
    }
    available_ = f_.front().second;  // f starts at `start` (= ev)
  }

  void plan(int assigned) {
    if (assigned > 0 && assigned_first(assigned)) return;
    int last_quota = 0, last_last_quota = 0;
    if (minimum_share(last_quota, last_last_quota)) return;
    out_.fallback = true;
    fallback_to_deadline(last_quota, last_last_quota);
    Sec lat = std::max(aligned_ddl_, ev_);
    if (fallback_past_deadline(lat)) return;
    // ... and past the last breakpoint, the cap (or the assigned count) on an empty cluster.
    const int q = assigned > 0 ? assigned : std::min(G_, j_.max_gpu);
    alloc_.set(lat, q);
    const Sec real_end = ceil_sec(static_cast<double>(lat) + iter_ / j_.rate(q));
    ft_.set(lat, G_ - q);
    ft_.set(align(start_, real_end, slot_), G_);
    done(align(start_, real_end, slot_), real_end);
  }

 private:
  const PlanJob& j_;
  const Sec start_, slot_;
  const int G_;
  const FreeTimeline& tl_;
  EfPlan& out_;
  FreeTimeline &ft_, &alloc_;
  Points &f_, &al_;
  const double ddl_;
  Sec ev_;
  double iter_;
  int last_event_gpu_;  // one variable across the whole call, as in the artifact
  const Sec aligned_ddl_;
  int available_ = 0;

  // Largest level <= free, capped at `q` (the artifact's min(q, get_last_level(1 + free))).
  int fit(int q, int free) const { return std::min(q, last_level(j_, 1 + free)); }

  void done(Sec end, Sec real_end) {
    ft_.merge();
    alloc_.merge();
    out_.end = end;
    out_.real_end = real_end;
    out_.gpu_time = allocation_time(alloc_, end);
    out_.meets = static_cast<double>(real_end) <= ddl_;
  }

  // The leftover-GPU candidate: exactly `quota` GPUs from now until tl's next breakpoint. True
  // if the job is done by then (and within its deadline); else planning goes on from there.
  bool assigned_first(int quota) {
    if (quota > available_)
      throw InvariantError("ElasticFlow planner: assigned more GPUs than free");
    const Sec fut = tl_.pts.size() > 1 ? tl_.pts[1].first : aligned_ddl_;
    al_.front().second = quota;
    const Sec real_end = ceil_sec(static_cast<double>(ev_) + iter_ / j_.rate(quota));
    const Sec end = align(start_, real_end, slot_);
    if (fut >= end && ddl_ >= static_cast<double>(real_end)) {
      // Of tl's breakpoints only `ev` lies in [ev, end).
      if (ev_ < end) {
        last_event_gpu_ = f_.front().second;
        f_.front().second -= quota;
      }
      if (ev_ != end) f_.front().second = available_ - quota;
      if (!has_point(tl_.pts, end)) ft_.set(end, last_event_gpu_);
      done(end, real_end);
      return true;
    }
    double dur = static_cast<double>(fut - ev_);
    if (fut == aligned_ddl_) dur = ddl_ - static_cast<double>(ev_);
    iter_ -= dur * j_.rate(quota);
    f_.front().second -= quota;
    ev_ = fut;
    alloc_.set(ev_, 0);
    return false;
  }

  // The minimum satisfactory share: one level at a time from the first, the free GPUs are filled
  // backwards from the deadline until the work fits; that level is then laid out forwards. True
  // if a level meets the deadline; else the last two levels tried are left for the fallback.
  bool minimum_share(int& last_quota, int& last_last_quota) {
    int quota = next_level(j_, 0);
    const std::size_t k_ddl = lower_index(f_, aligned_ddl_);  // f's breakpoints before the ddl
    const std::size_t k_ev = lower_index(f_, ev_);
    bool listed = false;
    while (quota <= G_ && quota <= j_.max_gpu) {
      if (!listed) list_breakpoints(k_ddl);
      listed = true;
      Sec period_end = aligned_ddl_;
      double tmp_iters = 0;
      for (std::size_t k = k_ddl; k-- > 0;) {
        const Sec ps = f_[k].first;
        if (ps < ev_) break;
        int a = quota;
        if (f_[k].second < quota) a = fit(quota, f_[k].second);
        if (a == 0) {
          period_end = ps;
          continue;
        }
        double dur = static_cast<double>(period_end - ps);
        if (period_end == aligned_ddl_) dur = ddl_ - static_cast<double>(ps);
        tmp_iters += dur * j_.rate(a);
        if (tmp_iters >= iter_) {
          fill_forward(quota, last_quota, ps, k_ev);
          return true;
        }
        period_end = ps;
      }
      last_last_quota = last_quota;
      last_quota = quota;
      quota = next_level(j_, quota);
      if (quota == last_quota) break;
    }
    return false;
  }

  // The allocation lists every breakpoint before the deadline (0 where not set yet).
  void list_breakpoints(std::size_t k_ddl) {
    FreeTimeline::Point old[2];
    const std::size_t n_old = al_.size();  // at most {start, fut}
    if (n_old > 2) throw InvariantError("ElasticFlow planner: unexpected allocation");
    std::copy(al_.begin(), al_.end(), old);
    al_.clear();
    std::size_t o = 0;
    for (std::size_t k = 0; k < k_ddl; ++k) {
      const Sec t = f_[k].first;
      while (o < n_old && old[o].first < t)
        al_.push_back(old[o++]);
      if (o < n_old && old[o].first == t)
        al_.push_back(old[o++]);
      else
        al_.push_back({t, 0});
    }
    while (o < n_old)
      al_.push_back(old[o++]);
  }

  // Lays the found level out forwards from `ev`: the previous level before `ps`, this one from
  // `ps` on, each capped by the free GPUs, until the work is done.
  void fill_forward(int quota, int last_quota, Sec ps, std::size_t k_ev) {
    Sec last_t = -1;
    std::size_t last_m = 0, ac = 0;
    int last_a = 0;
    bool have_last = false;
    Sec end = -1, real_end = -1;
    auto alloc_set = [&](Sec t, int v) {  // t grows from call to call
      while (ac < al_.size() && al_[ac].first < t)
        ++ac;
      if (ac < al_.size() && al_[ac].first == t)
        al_[ac].second = v;
      else
        al_.insert(al_.begin() + static_cast<std::ptrdiff_t>(ac), {t, v});
    };
    for (std::size_t m = k_ev; m < f_.size(); ++m) {
      const Sec t = f_[m].first;
      if (t > aligned_ddl_) break;
      if (have_last) {
        alloc_set(last_t, last_a);
        f_[last_m].second -= last_a;
        if (last_a != 0) {
          double d2 = static_cast<double>(t - last_t);
          if (t == aligned_ddl_) d2 = ddl_ - static_cast<double>(last_t);
          const double its = d2 * j_.rate(last_a);
          if (last_t >= ps && its >= iter_) {
            const Sec real_left = ceil_sec(iter_ / j_.rate(last_a));
            end = last_t + align(0, real_left, slot_);
            real_end = last_t + real_left;
            break;
          }
          iter_ -= its;
        }
      }
      have_last = true;
      last_t = t;
      last_m = m;
      last_a = fit(t >= ps ? quota : last_quota, f_[m].second);
    }
    if (end < 0) {
      alloc_set(last_t, last_a);
      f_[last_m].second -= last_a;
      const Sec real_left = ceil_sec(iter_ / j_.rate(last_a));
      real_end = last_t + real_left;
      end = last_t + align(0, real_left, slot_);
    }
    int leg = G_;  // tl's last value in [ev, end)
    const std::size_t k_end = lower_index(tl_.pts, end);
    if (k_end > 0 && tl_.pts[k_end - 1].first >= ev_) leg = tl_.pts[k_end - 1].second;
    if (!(k_end < tl_.pts.size() && tl_.pts[k_end].first == end)) ft_.set(end, leg);
    done(end, real_end);
  }

  // No level meets the deadline: run at the largest level tried up to the deadline. (The
  // artifact compares each breakpoint with start - 1, so always the last level, not the one
  // before it.)
  void fallback_to_deadline(int last_quota, int last_last_quota) {
    const Sec point = start_ - 1;
    Sec last_t = -1;
    int last_a = 0;
    bool have_last = false;
    for (std::size_t m = 0; m < f_.size(); ++m) {
      const Sec t = f_[m].first;
      if (t > aligned_ddl_) break;
      if (t < ev_) continue;
      if (!have_last) {
        have_last = true;
        last_t = t;
        last_a = fit(t >= point ? last_quota : last_last_quota, f_[m].second);
        continue;
      }
      alloc_.set(last_t, last_a);
      ft_.at(last_t) -= last_a;
      if (last_a == 0) {
        last_t = t;
        last_a = fit(t >= point ? last_quota : last_last_quota, f_[m].second);
        continue;
      }
      double d2 = static_cast<double>(t - last_t);
      if (t == aligned_ddl_) d2 = ddl_ - static_cast<double>(last_t);
      iter_ -= d2 * j_.rate(last_a);
      last_t = t;
      last_a = fit(last_quota, f_[m].second);
    }
  }

  // From the deadline on, the largest level free in each period until the work is done (true)
  // or the breakpoints run out (`lat` is then the last one).
  bool fallback_past_deadline(Sec& lat) {
    for (std::size_t m = 0; m < f_.size(); ++m) {
      const Sec t = f_[m].first;
      if (t <= aligned_ddl_) continue;
      const int q = std::min(last_level(j_, ft_.at(lat) + 1), j_.max_gpu);
      if (q == 0) {
        alloc_.set(lat, 0);
        lat = t;
        continue;
      }
      alloc_.set(lat, q);
      const double its = static_cast<double>(t - lat) * j_.rate(q);
      if (its >= iter_) {
        const Sec real_end = ceil_sec(static_cast<double>(lat) + iter_ / j_.rate(q));
        const Sec end = align(start_, real_end, slot_);
        for (auto& [t1, v1] : f_) {
          if (t1 < aligned_ddl_) continue;
          if (t1 < end) {
            const int k = tl_.find(t1);
            if (k >= 0) last_event_gpu_ = tl_.pts[k].second;
          }
          if (t1 >= lat && t1 < end) v1 -= q;
        }
        if (lat != end) ft_.set(lat, last_event_gpu_ - q);
        if (!tl_.has(end)) ft_.set(end, last_event_gpu_);
        done(end, real_end);
        return true;
      }
      iter_ -= its;
      for (auto& [t1, v1] : tl_.pts) {
        if (t1 < lat) last_event_gpu_ = ft_.at(t1);
      }
      for (auto& [t1, v1] : f_) {
        if (t1 >= lat && t1 < t) v1 -= q;
      }
      lat = t;
    }
    return false;
  }
};

}  // namespace

EfPlan ef_plan(const PlanJob& j, Sec start, Sec slot, int G, const FreeTimeline& tl, int assigned) {
  EfPlan out;
  ef_plan(j, start, slot, G, tl, assigned, out);
  return out;
}

void ef_plan(const PlanJob& j, Sec start, Sec slot, int G, const FreeTimeline& tl, int assigned,
             EfPlan& out) {
  EfPlanner(j, start, slot, G, tl, out).plan(assigned);
}

}  // namespace clustersim::ef
