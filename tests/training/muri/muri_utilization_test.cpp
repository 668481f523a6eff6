// gpu_utilization with Muri's shared-GPU groups: a GPU held by an interleaved group counts once.
// Independent check: the integral of cluster.csv's busy_gpus (GPUs held, groups counted once,
// constant between scheduling points; every release of GPUs is followed by a scheduling point at
// the same instant) over the run, divided by cluster GPUs x makespan.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

using namespace clustersim::test;

TEST_CASE("muri: gpu_utilization counts a shared GPU once", "[muri]") {
  TempDir dir;
  const std::string a = anchor("muri");
  auto r = run_cli("run --cluster " + a + "/cluster_specs/n4g8.csv --trace " + a +
                   "/trace-data/cluster_trace_first100.csv --trace-format muri --policy muri-s " +
                   "--set muri.overhead_table=" + a + "/restart_overhead_s.csv -q --out " +
                   dir.path().string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::ifstream sj(dir.file("summary.json"));
  const auto summary = nlohmann::json::parse(sj);
  const double util = summary["gpu_utilization"].get<double>();
  const double makespan = summary["makespan_s"].get<double>();
  const int gpus = 32;

  std::ifstream cl(dir.file("cluster.csv"));
  std::string line;
  std::getline(cl, line);
  double integral = 0, prev_t = -1, prev_busy = 0, first_t = -1;
  while (std::getline(cl, line)) {
    std::stringstream ss(line);
    std::string t, busy;
    std::getline(ss, t, ',');
    std::getline(ss, busy, ',');
    const double now = std::stod(t);
    if (first_t < 0) first_t = now;
    if (prev_t >= 0) integral += prev_busy * (now - prev_t);
    prev_t = now;
    prev_busy = std::stod(busy);
  }
  CHECK(prev_busy == 0);  // the last point is the last completion
  CHECK(first_t == 0);    // the first job arrives at 0
  CHECK(util == Approx(integral / (gpus * makespan)).epsilon(1e-9));
  CHECK(util <= 1.0);

  // The jobs' own GPU-seconds count a shared GPU once per member: larger here, since Muri-S
  // groups jobs on this trace.
  std::ifstream jobs(dir.file("jobs.csv"));
  std::getline(jobs, line);
  double job_gpu_s = 0;
  std::stringstream head(line);
  int col = 0, gpu_col = -1;
  for (std::string f; std::getline(head, f, ','); ++col) {
    if (f == "gpu_s") gpu_col = col;
  }
  REQUIRE(gpu_col >= 0);
  while (std::getline(jobs, line)) {
    std::stringstream ss(line);
    std::string f;
    for (int c = 0; c <= gpu_col; ++c)
      std::getline(ss, f, ',');
    job_gpu_s += std::stod(f);
  }
  CHECK(job_gpu_s / (gpus * makespan) > util * 1.01);
}
