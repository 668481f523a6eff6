#include "elasticflow_planner.hpp"

#include <algorithm>
#include <cmath>

#include "clustersim/core/error.hpp"

namespace clustersim::ef {

int FreeTimeline::find(Sec t) const {
  auto it = std::lower_bound(pts.begin(), pts.end(), t, [](const Point& p, Sec v) { return p.first < v; });
  return it != pts.end() && it->first == t ? static_cast<int>(it - pts.begin()) : -1;
}

int& FreeTimeline::at(Sec t) {
  int k = find(t);
  if (k < 0) throw InvariantError("ElasticFlow planner: missing timeline breakpoint");
  return pts[k].second;
}

void FreeTimeline::set(Sec t, int v) {
  auto it = std::lower_bound(pts.begin(), pts.end(), t, [](const Point& p, Sec x) { return p.first < x; });
  if (it != pts.end() && it->first == t) it->second = v;
  else pts.insert(it, {t, v});
}

void FreeTimeline::merge() {
  std::size_t w = 0;
  for (std::size_t r = 0; r < pts.size(); ++r) {
    if (w > 0 && pts[w - 1].second == pts[r].second) continue;
    pts[w++] = pts[r];
  }
  pts.resize(w);
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

Sec ceil_end(Sec t, double secs) { return static_cast<Sec>(std::ceil(static_cast<double>(t) + secs)); }

}  // namespace

EdfPlan edf_plan(const PlanJob& j, Sec start, Sec slot, int cluster_gpus, FreeTimeline& tl) {
  // Works on a copy `f` while walking the breakpoints of the original `tl`, as the artifact does.
  FreeTimeline f = tl;
  double iter = j.iter_left;
  Sec ev = start;
  int avail = tl.at(start);
  const int base = std::min(j.max_gpu, cluster_gpus);
  EdfPlan out;
  bool ok = true;
  auto finish = [&](int g, Sec end, bool set_ev_always, int avail_ev) {
    if (ev == start) out.gpus_now = g;
    int last = cluster_gpus;
    for (auto& [e, v] : tl.pts) {
      if (e < ev) continue;
      if (e < end) {
        last = f.at(e);
        f.at(e) -= g;
      }
    }
    if (set_ev_always || ev != end) f.set(ev, avail_ev - g);
    if (!tl.has(end)) f.set(align(start, end, slot), last);
    f.merge();
    tl = std::move(f);
    out.end = end;
    out.meets = ok && end <= j.ddl;
    return out;
  };
  for (std::size_t k = 0; k < tl.pts.size(); ++k) {
    const Sec t = tl.pts[k].first;
    if (t < ev) continue;  // never happens: the timeline starts at `start`
    if (t == ev) {
      avail = tl.pts[k].second;
      continue;
    }
    const double dur = static_cast<double>(t - ev);
    if (avail >= base && base > 0) {
      const Sec end = ceil_end(ev, iter / j.rate(base));
      if (t >= end) return finish(base, end, false, avail);
      iter -= dur * j.rate(base);
      if (ev == start) out.gpus_now = base;
      f.at(ev) -= base;
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
      f.at(ev) -= g;
    }
    avail = f.at(t);
    ev = t;
    if (ev > j.ddl) ok = false;
  }
  // Past the last breakpoint the whole cluster is assumed free.
  if (ev == start) out.gpus_now = base;
  const Sec end = ceil_end(ev, iter / j.rate(base));
  f.set(ev, cluster_gpus - base);
  f.set(align(start, end, slot), cluster_gpus);
  f.merge();
  tl = std::move(f);
  out.end = end;
  out.meets = ok && end <= j.ddl;
  return out;
}

}  // namespace clustersim::ef
