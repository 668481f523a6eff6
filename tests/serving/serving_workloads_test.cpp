// Workload generators: Clockwork's function -> model mapping and load-factor ramp, the arrival
// process, and the closed loop.
#include <cmath>
#include <map>

#include <catch2/catch.hpp>

#include "clustersim/serving/workload.hpp"
#include "serving_support.hpp"

namespace clustersim::test {
namespace {

using namespace clustersim::serving;

std::string maf_day(const std::vector<std::map<int, int>>& rows) {
  std::string t = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= 1440; ++m)
    t += "," + std::to_string(m);
  t += "\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    t += "o,a" + std::to_string(i) + ",f" + std::to_string(i) + ",http";
    for (int m = 0; m < 1440; ++m) {
      auto it = rows[i].find(m);
      t += "," + std::to_string(it == rows[i].end() ? 0 : it->second);
    }
    t += "\n";
  }
  return t;
}

Params workload_params(const std::string& name, const std::map<std::string, std::string>& set) {
  Params p;
  for (const auto& [k, v] : set)
    p.set(k, v);
  p.declare(serving_workloads().get(name).params, "workload " + name);
  p.validate();
  return p;
}

TEST_CASE("azure: models by name, function blocks by daily total, Poisson per minute",
          "[serving][workload]") {
  TempDir dir;
  // Zoo in file order b, a: Clockwork's model list is by name, so copies of a come first.
  const auto zoo = read_model_zoo(write_zoo(dir, {"b,10,1,1,2,3,4,5", "a,10,1,1,2,3,4,5"}));
  // Five functions; daily totals 10, 50, 30, 40, 20 -> order 1, 3, 2, 4, 0. With 2 copies
  // (M = 4 served models: a, a, b, b) function of rank i drives model floor(4 i / 5):
  // rank 0 (f1) -> 0, rank 1 (f3) -> 0, rank 2 (f2) -> 1, rank 3 (f4) -> 2, rank 4 (f0) -> 3.
  // Minute 0 is busy for f2 only, minute 1 for f4 only: every request of minute 0 is for model
  // 1 (a copy of a), every one of minute 1 for model 2 (a copy of b).
  const std::string trace =
      dir.write("day.csv", maf_day({{{5, 10}}, {{5, 50}}, {{0, 30}}, {{5, 40}}, {{1, 20}}}));
  auto p = workload_params("azure", {{"azure.copies", "2"},
                                     {"azure.duration_s", "120"},
                                     {"azure.load_factor", "8"},
                                     {"azure.workers", "1"}});
  auto w = serving_workloads().get("azure").factory(WorkloadEnv{zoo, p, trace, 1, 3, 0});
  CHECK(w->models() == std::vector<int>{1, 1, 0, 0});
  CHECK(w->end() == 120 * kSecond);
  // Scale = load factor 8 x 0.125 x 1 worker = 1: 30 requests expected in minute 0, 20 in 1.
  int minute0 = 0, minute1 = 0;
  while (w->peek() != kForever) {
    const Arrival a = w->pop();
    if (a.time < 60 * kSecond) {
      CHECK(a.model == 1);
      ++minute0;
    } else {
      CHECK(a.time < 120 * kSecond);
      CHECK(a.model == 2);
      ++minute1;
    }
  }
  // Poisson counts: within 4 standard deviations of the mean.
  CHECK(std::abs(minute0 - 30) <= 4 * std::sqrt(30.0));
  CHECK(std::abs(minute1 - 20) <= 4 * std::sqrt(20.0));
}

TEST_CASE("azure_scalability_exp: x1.5 every minute from 0.1, stop above 4",
          "[serving][workload]") {
  TempDir dir;
  const auto zoo = read_model_zoo(write_zoo(dir, {"a,10,1,1,2,3,4,5"}));
  // One function with 60 000 invocations in each of minutes 0..9: at scale s, 1000 s req/s.
  std::map<int, int> busy;
  for (int m = 0; m < 10; ++m)
    busy[m] = 60000;
  const std::string trace = dir.write("day.csv", maf_day({busy}));
  auto p = workload_params("azure_scalability_exp", {{"azure.copies", "1"}});
  // 8 workers: scale = lf x 0.125 x 8 = lf. Load factors 0.1 x 1.5^k while <= 4: k = 0..9, so
  // ten minutes (the eleventh, 5.77, ends the run).
  auto w =
      serving_workloads().get("azure_scalability_exp").factory(WorkloadEnv{zoo, p, trace, 8, 1, 0});
  CHECK(w->end() == 600 * kSecond);
  std::vector<int> per_minute(10, 0);
  while (w->peek() != kForever)
    ++per_minute[static_cast<std::size_t>(w->pop().time / (60 * kSecond))];
  double lf = 0.1;
  for (int m = 0; m < 10; ++m) {
    const double expected = 1000 * lf * 60;  // req/s x 60 s
    INFO("minute " << m);
    CHECK(std::abs(per_minute[static_cast<std::size_t>(m)] - expected) <= 4 * std::sqrt(expected));
    lf *= 1.5;
  }
}

TEST_CASE("closed_loop: every client sends its next request when answered", "[serving][workload]") {
  TempDir dir;
  const auto zoo = read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  auto p = workload_params("closed_loop", {{"synthetic.models", "m"},
                                           {"synthetic.copies", "1"},
                                           {"closed.clients", "2"},
                                           {"synthetic.duration_s", "0.0105"}});
  auto w = serving_workloads().get("closed_loop").factory(WorkloadEnv{zoo, p, "", 1, 1, 0});
  serving::ServingEngineConfig cfg;
  cfg.gpus = 1;
  cfg.network = 0;
  // fifo, preloaded, 1 ms each: two clients keep two requests outstanding; the GPU runs one
  // at a time: answers at 1, 2, 3, ... ms; a request sent at t >= 10.5 ms is not made.
  auto run = run_engine(zoo, *w, "fifo", cfg);
  CHECK(run.out.summary["requests"] == 12);
  CHECK(run.out.summary["answered"] == 12);
  for (std::size_t i = 0; i < run.requests.size(); ++i)
    CHECK(run.requests[i].departure == static_cast<SimTime>((i + 1) * 1000));
}

TEST_CASE("poisson: the configured rate over the configured time", "[serving][workload]") {
  TempDir dir;
  const auto zoo = read_model_zoo(write_zoo(dir, {"m,10,2,1,1.5,2,3,5"}));
  auto p = workload_params("poisson", {{"synthetic.models", "m"},
                                       {"synthetic.copies", "4"},
                                       {"poisson.rate_rps", "2000"},
                                       {"synthetic.duration_s", "10"}});
  auto w = serving_workloads().get("poisson").factory(WorkloadEnv{zoo, p, "", 1, 5, 0});
  std::vector<int> per_model(4, 0);
  int n = 0;
  SimTime last = 0;
  while (w->peek() != kForever) {
    const Arrival a = w->pop();
    CHECK(a.time >= last);
    last = a.time;
    ++per_model[a.model];
    ++n;
  }
  CHECK(std::abs(n - 20000) <= 4 * std::sqrt(20000.0));
  for (int c : per_model)
    CHECK(std::abs(c - 5000) <= 4 * std::sqrt(5000.0 * 0.75));
}

}  // namespace
}  // namespace clustersim::test
