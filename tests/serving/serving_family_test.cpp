// The serving family through the run pipeline and the CLI: determinism, declared parameters,
// optional outputs and bad input (file:line, exit 2).
#include <sstream>

#include <catch2/catch.hpp>

#include "clustersim/core/pipeline.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

// A small Fig. 11 setup: a generated day of 3000 functions, 2 copies of every zoo model,
// 3 GPUs, a ramp of 5 s periods.
RunConfig small_ramp(const std::string& policy = "clockwork") {
  RunConfig c;
  c.family = "serving";
  c.policy = policy;
  c.seed = 3;
  c.inputs["zoo"] = anchor("clockwork/model_zoo_v100.csv");
  c.params.set("serving.gpus", "3");
  c.params.set("azure.copies", "2");
  c.params.set("maf.functions", "3000");
  c.params.set("azure.lf_period_s", "5");
  c.params.set("azure.lf_max", "2");
  return c;
}

TEST_CASE("serving runs are deterministic", "[serving][determinism]") {
  RunConfig c = small_ramp();
  c.outputs.push_back("requests.csv");
  const RunOutput a = execute_run(c);
  const RunOutput b = execute_run(c);
  for (const char* f : {"requests.csv", "series.csv", "minutes.csv"})
    CHECK(a.file(f) == b.file(f));
  auto strip = [](nlohmann::json s) {
    s["run"].erase("wall_s");
    s["run"].erase("policy_s");
    return s.dump();
  };
  CHECK(strip(a.summary) == strip(b.summary));
  CHECK(a.summary["requests"].get<int>() > 1000);
  CHECK(a.summary["answered"] == a.summary["requests"]);
  // Another seed draws another day and other arrivals.
  c.seed = 4;
  CHECK(execute_run(c).file("requests.csv") != a.file("requests.csv"));
}

TEST_CASE("serving: every answered request is counted once", "[serving][pipeline]") {
  for (const char* policy : {"clockwork", "clipper", "fifo"}) {
    INFO(policy);
    RunConfig c = small_ramp(policy);
    c.params.set("azure.copies", "1");
    c.params.set("serving.gpus", "8");
    const RunOutput out = execute_run(c);
    const auto& s = out.summary;
    CHECK(s["answered"].get<int>() + s["unanswered"].get<int>() == s["requests"].get<int>());
    CHECK(s["goodput"].get<int>() + s["late"].get<int>() + s["dropped"].get<int>() +
              s["errors"].get<int>() ==
          s["answered"].get<int>());
    CHECK(s["run"]["params"]["workload"] == "azure_scalability_exp");
  }
}

TEST_CASE("serving: parameters are declared per component", "[serving][pipeline]") {
  RunConfig c = small_ramp("fifo");
  c.params.set("clockwork.max_batch", "16");
  CHECK_THAT(error_of([&] { execute_run(c); }),
             Catch::Contains("clockwork.max_batch is not honoured by this run"));
  RunConfig d = small_ramp();
  d.params.set("clockwork.max_bach", "16");
  CHECK_THAT(error_of([&] { execute_run(d); }),
             Catch::Contains("did you mean clockwork.max_batch"));
  RunConfig e = small_ramp();
  e.params.set("workload", "azur");
  CHECK_THAT(error_of([&] { execute_run(e); }), Catch::Contains("unknown workload 'azur'"));
}

TEST_CASE("serving CLI: bad input stops with file:line and exit 2", "[serving][bad_input]") {
  TempDir dir;
  const std::string zoo = anchor("clockwork/model_zoo_v100.csv");
  // The zoo with line 3's exec_b8_ms (the 10th column) blanked.
  std::istringstream in(slurp(zoo));
  std::string line, bad_zoo;
  for (int n = 1; std::getline(in, line); ++n) {
    if (n == 3) {
      std::size_t start = 0;
      for (int col = 0; col < 9; ++col)
        start = line.find(',', start) + 1;
      line.erase(start, line.find(',', start) - start);
    }
    bad_zoo += line + "\n";
  }
  const std::string zpath = dir.write("zoo.csv", bad_zoo);
  auto r = run_cli("run --family serving --policy clockwork --zoo " + zpath + " --out " +
                   dir.file("o1") + " -q");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("zoo.csv:3: column 'exec_b8_ms': missing value"));

  std::string day = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= 1440; ++m)
    day += "," + std::to_string(m);
  day += "\no,a,f,http";
  for (int m = 1; m <= 1439; ++m)
    day += ",1";
  const std::string tpath = dir.write("d01.csv", day + "\n");
  r = run_cli("run --family serving --policy clockwork --zoo " + zoo + " --trace " + tpath +
              " --out " + dir.file("o2") + " -q");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("d01.csv:2: 1443 columns"));
  CHECK_FALSE(std::filesystem::exists(dir.file("o2") + "/summary.json"));

  r = run_cli("run --family serving --policy clockwork --out " + dir.file("o3") + " -q");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("no --zoo given"));
}

TEST_CASE("serving CLI: --requests-csv streams one row per request", "[serving][pipeline]") {
  TempDir dir;
  const std::string out = dir.file("run");
  auto r = run_cli("run --family serving --policy clockwork --zoo " +
                   anchor("clockwork/model_zoo_v100.csv") +
                   " --set serving.gpus=2 --set azure.copies=1 --set maf.functions=500"
                   " --set azure.lf_period_s=2 --set azure.lf_max=1 --requests-csv --out " +
                   out + " -q");
  REQUIRE(r.exit_code == 0);
  const std::string csv = slurp(out + "/requests.csv");
  const auto rows = std::count(csv.begin(), csv.end(), '\n') - 1;
  const auto summary = nlohmann::json::parse(slurp(out + "/summary.json"));
  CHECK(rows == summary["requests"].get<long>());
  CHECK(csv.rfind("request,model,zoo_model,arrival_us,departure_us,latency_us,status", 0) == 0);
}

}  // namespace
}  // namespace clustersim::test
