// The ElasticFlow artifact's planners (src/training/elasticflow/elasticflow_planner.hpp) on
// synthetic timelines, sized like a busy scheduling point: n jobs planned in deadline order
// (minimum satisfactory shares on 512 GPUs, four levels, deadlines spread over ~n slots).
//
//   BM_EfPlanAll/<n>        plan n jobs one after another on a fresh timeline (admission)
//   BM_EfPlanCandidate/<n>  one leftover-GPU candidate: the latest-deadline job with one more
//                           level from now, on the timeline the n plans left (the inner loop of
//                           the leftover search, which runs it per growable job per grant)
//   BM_EdfPlanAll/<n>       the EDF baseline's greedy plans for n jobs
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "training/elasticflow/elasticflow_planner.hpp"
#include "clustersim/core/rng.hpp"

namespace {

using namespace clustersim;

constexpr int kGpus = 512;
constexpr ef::Sec kSlot = 60;

std::vector<ef::PlanJob> jobs(int n) {
  RngStream rng(1, 0, "bench.ef");
  std::vector<ef::PlanJob> v(n);
  for (int k = 0; k < n; ++k) {
    auto& j = v[k];
    j.index = k;
    j.columns = {1, 2, 4, 8, 16};
    j.rates = {1.0, 1.9, 3.6, 6.8, 12.0};
    j.max_gpu = 16;
    j.iter_left = 200 + rng.uniform() * 4000;
    j.ddl = static_cast<ef::Sec>((1 + k + rng.uniform() * 4) * kSlot * 2);
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.ddl < b.ddl; });
  return v;
}

ef::FreeTimeline plan_all(const std::vector<ef::PlanJob>& js, ef::EfPlan& p) {
  ef::FreeTimeline tl;
  tl.pts = {{0, kGpus}};
  for (const auto& j : js) {
    ef::ef_plan(j, 0, kSlot, kGpus, tl, -1, p);
    std::swap(tl.pts, p.timeline.pts);
  }
  return tl;
}

void BM_EfPlanAll(benchmark::State& state) {
  const auto js = jobs(static_cast<int>(state.range(0)));
  ef::EfPlan p;
  for (auto _ : state)
    benchmark::DoNotOptimize(plan_all(js, p));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_EfPlanCandidate(benchmark::State& state) {
  const auto js = jobs(static_cast<int>(state.range(0)));
  ef::EfPlan p;
  const ef::FreeTimeline tl = plan_all(js, p);
  const auto& j = js.back();
  int level = 0;  // the largest level that is free now
  for (int c : j.columns) {
    if (c <= tl.pts.front().second) level = c;
  }
  if (level == 0) {
    state.SkipWithError("no free GPUs now");
    return;
  }
  state.counters["breakpoints"] = static_cast<double>(tl.pts.size());
  for (auto _ : state) {
    ef::ef_plan(j, 0, kSlot, kGpus, tl, level, p);
    benchmark::DoNotOptimize(p.gpu_time);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EdfPlanAll(benchmark::State& state) {
  const auto js = jobs(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ef::FreeTimeline tl;
    tl.pts = {{0, kGpus}};
    for (const auto& j : js)
      benchmark::DoNotOptimize(ef::edf_plan(j, 0, kSlot, kGpus, tl));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_EfPlanAll)->Arg(16)->Arg(64)->Arg(256);
BENCHMARK(BM_EfPlanCandidate)->Arg(16)->Arg(64)->Arg(256);
BENCHMARK(BM_EdfPlanAll)->Arg(16)->Arg(64)->Arg(256);

}  // namespace
