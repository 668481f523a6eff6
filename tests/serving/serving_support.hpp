// Helpers of the serving tests: a small zoo written to a temporary file, a scripted workload
// (requests at given times), and one engine run with its answered requests parsed back.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <algorithm>
#include "clustersim/core/params.hpp"
#include "clustersim/metrics/run_output.hpp"
#include "clustersim/metrics/serving_metrics.hpp"
#include "clustersim/serving/engine.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "clustersim/serving/workload.hpp"

#include "clustersim/core/csv.hpp"
#include "clustersim/serving/policy.hpp"
#include "test_support.hpp"

namespace clustersim::test {

/// A zoo CSV: one row per entry "name,weights_MB,load_ms,b1,b2,b4,b8,b16" (times in ms).
inline std::string write_zoo(const TempDir& dir, const std::vector<std::string>& rows) {
  std::string csv =
      "family,model,input_kB,output_kB,weights_MB,weights_transfer_ms,exec_b1_ms,exec_b2_ms,"
      "exec_b4_ms,exec_b8_ms,exec_b16_ms\n";
  for (const auto& r : rows) {
    const auto comma = r.find(',');
    csv += "test," + r.substr(0, comma) + ",1,1" + r.substr(comma) + "\n";
  }
  return dir.write("zoo.csv", csv);
}

class ScriptedWorkload final : public serving::Workload {
 public:
  /// `zoo_models`: zoo index of every served model; `arrivals`: (time us, served model), sorted.
  ScriptedWorkload(std::vector<int> zoo_models,
                   std::vector<std::pair<SimTime, std::uint32_t>> arrivals, SimTime end)
      : arrivals_(std::move(arrivals)), end_(end) {
    models_ = std::move(zoo_models);
  }
  SimTime peek() const override {
    return next_ < arrivals_.size() ? arrivals_[next_].first : kForever;
  }
  serving::Arrival pop() override {
    const auto [t, m] = arrivals_[next_++];
    return {t, m, serving::kNoClient};
  }
  SimTime end() const override { return end_; }

 private:
  std::vector<std::pair<SimTime, std::uint32_t>> arrivals_;
  std::size_t next_ = 0;
  SimTime end_;
};

/// One row of requests.csv.
struct ServedRequest {
  std::uint64_t id = 0;
  std::uint32_t model = 0;
  SimTime arrival = 0, departure = -1;
  std::string status;
  bool deadline_met = false;
  int batch = 0;
  int gpu = -1;
};

struct EngineRun {
  RunOutput out;                        ///< summary metrics, series, requests.csv (in memory)
  std::vector<ServedRequest> requests;  ///< by request id
  serving::ServingRunStats stats;
};

/// Runs `policy` (with `settings` for its parameters) over the workload; every served model
/// gets the SLO `slo`.
inline EngineRun run_engine(const serving::ModelZoo& zoo, serving::Workload& workload,
                            const std::string& policy, const serving::ServingEngineConfig& config,
                            const std::map<std::string, std::string>& settings = {},
                            SimTime slo = 100 * kMillisecond) {
  using namespace serving;
  const auto& entry = serving_policies().get(policy);
  Params p;
  for (const auto& [k, v] : settings)
    p.set(k, v);
  p.declare(entry.params, "policy " + policy);
  p.validate();
  auto pol = entry.factory(ServingPolicyEnv{p});
  std::vector<ServedModel> models;
  for (int z : workload.models()) {
    ServedModel m;
    m.zoo = z;
    m.profile = &zoo.models[static_cast<std::size_t>(z)];
    m.pages = m.profile->pages;
    m.slo = slo;
    models.push_back(m);
  }
  EngineRun run;
  ServingMetrics metrics(ServingMetricsConfig{});
  metrics.stream_requests(&run.out.stream("requests.csv", ServingMetrics::requests_header()));
  ServingEngine engine(models, workload, *pol, metrics, config);
  run.stats = engine.run();
  metrics.collect(run.stats.workload_end, run.out);
  nlohmann::json own = nlohmann::json::object();
  pol->report(own);
  for (auto& [k, v] : own.items())
    run.out.add_metric(k, v);
  TempDir dir;
  CsvReader csv(dir.write("requests.csv", run.out.file("requests.csv")));
  while (csv.next()) {
    ServedRequest r;
    r.id = static_cast<std::uint64_t>(csv.get_int(0));
    r.model = static_cast<std::uint32_t>(csv.get_int(1));
    r.arrival = csv.get_int(3);
    r.departure = csv.field(4).empty() ? -1 : csv.get_int(4);
    r.status = csv.field(6);
    r.deadline_met = csv.field(7) == "1";
    r.batch = static_cast<int>(csv.get_int(8));
    r.gpu = static_cast<int>(csv.get_int(9));
    run.requests.push_back(r);
  }
  std::sort(run.requests.begin(), run.requests.end(),
            [](const ServedRequest& a, const ServedRequest& b) { return a.id < b.id; });
  return run;
}

}  // namespace clustersim::test
