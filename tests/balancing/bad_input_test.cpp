// Bad input to the balancing family stops with file:line or the option's name and exit 2.
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace clustersim::test {
namespace {

CommandResult run(const std::string& args, const TempDir& dir) {
  return run_cli("run --family balancing -q --out '" + dir.file("out") + "' " + args);
}

}  // namespace

TEST_CASE("balancing: bad input names the file and line, exit 2", "[balancing][bad-input]") {
  TempDir dir;
  SECTION("a negative service time in a trace") {
    const auto t = dir.write("t.csv", "arrival_s,service_s\n0,1\n1,-2\n");
    auto r = run("--policy central --trace " + t, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("t.csv:3: column 'service_s'") != std::string::npos);
  }
  SECTION("a node with 0 slots (JSON and CSV)") {
    const auto j =
        dir.write("c.json", "{\n  \"nodes\": [\n    {\"name\": \"a\", \"slots\": 0}\n  ]\n}\n");
    auto r = run("--policy central --cluster " + j, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("c.json:3: slots must be in 1..") != std::string::npos);
    const auto c = dir.write("c.csv", "name,slots\na,2\nb,0\n");
    r = run("--policy central --cluster " + c, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("c.csv:3: column 'slots'") != std::string::npos);
  }
  SECTION("an unknown trace origin") {
    const auto t = dir.write("o.csv", "arrival_s,service_s,origin\n0,1,n0\n0,1,n7\n");
    auto r = run("--policy origin --trace " + t + " --set cluster.nodes=2", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("o.csv:3: column 'origin': no node 'n7'") != std::string::npos);
  }
  SECTION("an aiVLE log line without a timestamp") {
    const auto t = dir.write("debug.log",
                             "INFO 2022-01-04 14:53:31,819 job task a is submitted\n"
                             "job task started: a on celery@x\n");
    auto r = run("--policy central --trace " + t, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("debug.log:2: a 'job task' line without a timestamp") != std::string::npos);
  }
}

TEST_CASE("balancing: bad options name the option, exit 2", "[balancing][bad-input]") {
  TempDir dir;
  auto expect = [&](const std::string& args, const std::string& message) {
    auto r = run(args, dir);
    INFO(args << " -> " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(message) != std::string::npos);
  };
  expect("--policy jsq-d --set jsq.dd=3", "unknown parameter jsq.dd (did you mean jsq.d?)");
  expect("--policy random --set jsq.d=3",
         "parameter jsq.d is not honoured by this run: it belongs to dispatch policy jsq-d");
  expect("--policy jsq-d --set jsq.d=two", "parameter jsq.d: 'two' is not an integer");
  expect("--policy jsq-d --set cluster.nodes=1 --set jsq.d=2", "jsq.d: 2 distinct samples from 1");
  expect("--policy nosuch", "unknown dispatch policy 'nosuch'");
  expect("--policy central --set migration=sideways", "unknown migration policy 'sideways'");
  expect("--policy central --set workload=poisson --set service=exponential --set service.cv=2",
         "parameter service.cv is not honoured by this run");
  expect(
      "--policy central --set contention=table --set contention.busy=1,2 "
      "--set contention.factor=1",
      "contention.busy and contention.factor need the same number of values");
  expect("--policy origin", "policy origin: task 0 has no origin node");
  expect("--policy central --set migration=sender --set state.period_s=0",
         "migration sender needs state messages");
}

TEST_CASE("balancing: a metric with nothing to measure is null, not 0", "[balancing][bad-input]") {
  TempDir dir;
  // Every task arrives before the warm-up ends: no response time, no throughput window.
  const auto t = dir.write("t.csv", "arrival_s,service_s\n0,1\n1,2\n");
  auto r = run("--policy central --trace " + t + " --set metrics.warmup_s=100", dir);
  REQUIRE(r.exit_code == 0);
  const auto summary = nlohmann::json::parse(slurp(dir.file("out") + "/summary.json"));
  for (const char* key :
       {"response_mean_s", "response_p50_s", "response_p90_s", "response_p99_s", "response_max_s",
        "wait_mean_s", "wait_p99_s", "waited_fraction", "slowdown_mean", "throughput_rps"}) {
    INFO(key);
    CHECK(summary.at(key).is_null());
  }
  CHECK(summary.at("makespan_s").get<double>() == 3);
  CHECK(summary.at("tasks_completed").get<int>() == 2);
}

TEST_CASE("balancing: a run that cannot finish stops with exit 2 and writes no summary",
          "[balancing][bad-input]") {
  TempDir dir;
  const auto t = dir.write("t.csv", "arrival_s,service_s\n0,1\n1,1000\n");
  auto r = run("--policy central --trace " + t + " --max-sim-time 10", dir);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("run stopped at --max-sim-time 10 s") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("out") + "/summary.json"));
}

}  // namespace clustersim::test
