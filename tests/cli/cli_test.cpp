#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using namespace clustersim::test;

TEST_CASE("every command answers --help", "[cli]") {
  for (const char* args : {"--help", "run --help", "list --help"}) {
    INFO(args);
    auto r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("Usage") != std::string::npos);
  }
  auto root = run_cli("--help");
  CHECK(root.output.find("run") != std::string::npos);
  CHECK(root.output.find("list") != std::string::npos);
}

TEST_CASE("list names the registered policies and formats", "[cli]") {
  auto r = run_cli("list");
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"fifo", "tiresias", "elasticflow", "muri", "clustersim", "count"}) {
    INFO(name);
    CHECK(r.output.find(name) != std::string::npos);
  }
}

TEST_CASE("run.json gives the same run as the options", "[cli]") {
  TempDir dir;
  const std::string trace = anchor("tiresias/60_job.csv");
  const std::string cluster = source_dir() + "/cluster_specs/n2g4.json";
  auto a = run_cli("run -q --cluster '" + cluster + "' --trace '" + trace +
                   "' --policy fifo --set placement=count --out '" + dir.file("a") + "'");
  REQUIRE(a.exit_code == 0);
  dir.write("run.json", "{\n  \"cluster\": \"" + cluster + "\",\n  \"trace\": \"" + trace +
                            "\",\n  \"policy\": \"fifo\",\n  \"set\": {\"placement\": \"count\"},\n"
                            "  \"out\": \"b\"\n}\n");
  auto b = run_cli("run -q --config '" + dir.file("run.json") + "'");
  REQUIRE(b.exit_code == 0);
  CHECK(slurp(dir.file("a/jobs.csv")) == slurp(dir.file("b/jobs.csv")));
  CHECK(!slurp(dir.file("a/jobs.csv")).empty());
}

TEST_CASE("run.json errors name the file and line", "[cli]") {
  TempDir dir;
  dir.write("run.json",
            "{\n  \"cluster\": \"x.json\",\n  \"trace\": \"t.csv\",\n  \"policy\": \"fifo\",\n"
            "  \"colour\": \"blue\"\n}\n");
  auto r = run_cli("run --config '" + dir.file("run.json") + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("run.json:5: unknown key 'colour'") != std::string::npos);
}

TEST_CASE("the run seed reaches random placement unless placement.seed is given", "[cli]") {
  // With a cross-node slowdown, where `random` puts a job's GPUs changes its speed, so a
  // different placement stream shows up in jobs.csv.
  TempDir dir;
  const std::string base =
      "run -q --cluster '" + source_dir() + "/cluster_specs/n4g4.json' --trace '" +
      anchor("tiresias/60_job.csv") +
      "' --policy fifo --set placement=random --set locality.cross_node_factor=0.5 ";
  auto run = [&](const std::string& extra, const std::string& out) {
    auto r = run_cli(base + extra + " --out '" + dir.file(out) + "'");
    REQUIRE(r.exit_code == 0);
    return slurp(dir.file(out + "/jobs.csv"));
  };
  const auto s1 = run("--seed 1", "s1");
  const auto s2 = run("--seed 2", "s2");
  const auto explicit1 = run("--seed 2 --set placement.seed=1", "e1");
  CHECK(s1 != s2);
  CHECK(s1 == explicit1);
}

TEST_CASE("docs/parameters.md is what `list --params --markdown` prints", "[cli][params]") {
  auto r = run_cli("list --params --markdown 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  CHECK(r.output == slurp(source_dir() + "/docs/parameters.md"));
}

TEST_CASE("a setting the run does not honour stops it, naming the key", "[cli][params]") {
  TempDir dir;
  const std::string base = "run -q --cluster '" + source_dir() +
                           "/cluster_specs/n8g4.json' --trace '" + source_dir() +
                           "/traces/demo_200.csv' --out '" + dir.file("o") + "' ";
  // muri-s places jobs itself (Muri's yarn rule): a placement setting would be ignored.
  auto r = run_cli("run -q --cluster '" + anchor("muri/cluster_specs/n8g8_sim.csv") +
                   "' --trace '" + anchor("muri/trace-data/trace3.csv") + "' --out '" +
                   dir.file("o") + "' --policy muri-s --set placement=topology");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("parameter placement is not honoured by this run") != std::string::npos);
  // A knob of another policy.
  r = run_cli(base + "--policy srtf --set muri.autopack=false");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("parameter muri.autopack is not honoured by this run: it belongs to "
                      "policy muri-l, policy muri-s") != std::string::npos);
  // A typo, with the nearest declared key.
  r = run_cli(base + "--policy srtf --set engine.slot=60");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unknown parameter engine.slot (did you mean engine.slot_s") !=
        std::string::npos);
  // An unknown policy, with the nearest names.
  r = run_cli(base + "--policy strf");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unknown policy 'strf' (did you mean srtf") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("o")));  // nothing written
}

TEST_CASE("summary.json records every resolved parameter, policy defaults included",
          "[cli][params]") {
  // dlas-gpu-2 is dlas-gpu with tiresias.promote_knob=2; the engine settings the ElasticFlow
  // artifact needs (whole seconds, one slot between points) show up as resolved values.
  TempDir dir;
  auto r = run_cli("run -q --cluster '" + source_dir() + "/cluster_specs/n8g4.json' --trace '" +
                   source_dir() + "/traces/demo_200.csv' --policy dlas-gpu-2 --out '" +
                   dir.file("a") + "'");
  REQUIRE(r.exit_code == 0);
  auto s = nlohmann::json::parse(slurp(dir.file("a/summary.json")));
  CHECK(s["run"]["params"]["tiresias.promote_knob"].get<double>() == 2.0);
  CHECK(s["run"]["policy_entry"] == "dlas-gpu");
  CHECK(s["run"]["set"].empty());
  r = run_cli("run -q --cluster '" +
              anchor("elasticflow/ElasticFlow/scheduler/cluster_specs/n16g4.csv") + "' --trace '" +
              anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/elasticVpollux_e.csv") +
              "' --throughputs '" + anchor("elasticflow/ElasticFlow/scheduler/throughputs_T4") +
              "' --policy edf --set ef.slot_s=120 --out '" + dir.file("b") + "'");
  REQUIRE(r.exit_code == 0);
  s = nlohmann::json::parse(slurp(dir.file("b/summary.json")));
  CHECK(s["run"]["params"]["engine.whole_seconds"] == true);
  CHECK(s["run"]["params"]["engine.min_interval_s"].get<double>() == 120.0);
  CHECK(s["run"]["params"]["ef.slot_s"] == 120);
}
