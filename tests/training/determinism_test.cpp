// Determinism: the same inputs give byte-identical jobs.csv and cluster.csv and the same
// summary.json apart from the timing fields run.wall_s and run.policy_s — for every registered
// policy on the synthetic scenario (in process), and through the CLI on the Tiresias 60-job trace.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "clustersim/core/event_queue.hpp"
#include "clustersim/core/pipeline.hpp"
#include "synthetic_scenario.hpp"

using namespace clustersim;
using namespace clustersim::test;

namespace {

nlohmann::json without_timing(nlohmann::json s) {
  REQUIRE(s.contains("run"));
  REQUIRE(s["run"].contains("wall_s"));
  REQUIRE(s["run"].contains("policy_s"));
  s["run"].erase("wall_s");
  s["run"].erase("policy_s");
  return s;
}

}  // namespace

TEST_CASE("same inputs give identical results for every policy", "[determinism]") {
  const std::string name = GENERATE(from_range(training_policies().names()));
  INFO("policy " << name);
  TempDir dir;
  const auto sc = write_synthetic_scenario(dir);
  RunConfig cfg;
  cfg.inputs["cluster"] = sc.cluster;
  cfg.inputs["trace"] = sc.trace;
  cfg.policy = name;
  for (const auto& spec : training_policies().get(name).params) {  // inputs some policies need
    if (spec.key == "tiresias.gittins_file")
      cfg.params.set(spec.key, anchor("tiresias/yarn-gput1000.csv"));
  }
  // Every policy must run on the scenario: a failure here is a failure, not a skip.
  RunOutput a, b;
  REQUIRE_NOTHROW(a = execute_run(cfg));
  b = execute_run(cfg);
  CHECK(a.file("jobs.csv") == b.file("jobs.csv"));
  CHECK(a.file("cluster.csv") == b.file("cluster.csv"));
  CHECK(without_timing(a.summary) == without_timing(b.summary));
}

// The event queue orders by (time, seq) in every implementation, so it may change the speed of a
// run and nothing else.
TEST_CASE("every event queue gives the same run", "[determinism]") {
  const std::string name = GENERATE(from_range(training_policies().names()));
  INFO("policy " << name);
  TempDir dir;
  const auto sc = write_synthetic_scenario(dir);
  std::vector<RunOutput> runs;
  for (std::string_view queue : event_queue_names()) {
    RunConfig c;
    c.inputs["cluster"] = sc.cluster;
    c.inputs["trace"] = sc.trace;
    c.policy = name;
    c.params.set("engine.event_queue", std::string(queue));
    for (const auto& spec : training_policies().get(name).params) {  // inputs some policies need
      if (spec.key == "tiresias.gittins_file")
        c.params.set(spec.key, anchor("tiresias/yarn-gput1000.csv"));
    }
    REQUIRE_NOTHROW(runs.push_back(execute_run(c)));
  }
  REQUIRE(runs.size() == 3);
  for (std::size_t k = 1; k < runs.size(); ++k) {
    CHECK(runs[k].file("jobs.csv") == runs[0].file("jobs.csv"));
    CHECK(runs[k].file("cluster.csv") == runs[0].file("cluster.csv"));
    auto a = without_timing(runs[0].summary), b = without_timing(runs[k].summary);
    for (auto* s : {&a, &b}) {  // the one input that differs
      (*s)["run"]["params"].erase("engine.event_queue");
      (*s)["run"]["set"].erase("engine.event_queue");
    }
    CHECK(a == b);
  }
}

TEST_CASE("CLI runs are byte-identical", "[determinism][tiresias]") {
  const std::string trace = anchor("tiresias/60_job.csv");
  const std::string cluster = anchor("tiresias/reference_runs/n2g4.csv");
  struct Case {
    std::string policy, extra;
  };
  const std::string gittins = anchor("tiresias/yarn-gput1000.csv");
  const Case cases[] = {{"srtf", ""},
                        {"dlas-gpu-gittins", "--set tiresias.gittins_file=" + gittins +
                                                 " --set tiresias.queue_limits=300,1000"}};
  for (const auto& c : cases) {
    INFO("policy " << c.policy);
    TempDir dir;
    std::string outs[2];
    for (int k = 0; k < 2; ++k) {
      outs[k] = dir.file("out" + std::to_string(k));
      auto r = run_cli("run --cluster " + cluster + " --trace " + trace + " --policy " + c.policy +
                       " " + c.extra + " --out " + outs[k]);
      INFO(r.output);
      REQUIRE(r.exit_code == 0);
    }
    CHECK(slurp(outs[0] + "/jobs.csv") == slurp(outs[1] + "/jobs.csv"));
    CHECK(slurp(outs[0] + "/cluster.csv") == slurp(outs[1] + "/cluster.csv"));
    CHECK(without_timing(nlohmann::json::parse(slurp(outs[0] + "/summary.json"))) ==
          without_timing(nlohmann::json::parse(slurp(outs[1] + "/summary.json"))));
  }
}
