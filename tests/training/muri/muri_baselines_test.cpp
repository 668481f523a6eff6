// muri-themis and muri-antman (Muri's Themis and AntMan baselines): the finish-time-fairness
// program against hand solutions and ECOS, hand-computed scenarios, and the paper's raw numbers
// (anchors/muri/paper_sim_results_fig9_10.csv).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "clustersim/core/csv.hpp"
#include "test_support.hpp"
#include "training/muri/themis_lp.hpp"
#include "training/themis_ecos_instance.hpp"

using namespace clustersim;
using namespace clustersim::test;
using muri::ThemisJob;
using muri::ThemisOptimum;

namespace {

const char* kHeader =
    "job_id,num_gpu,submit_time,iterations,model_name,batch_size,duration,interval,"
    "iteration_time,resource_time_0,resource_time_1,resource_time_2,priority\n";

// jobs.csv of a run: job_id -> (first start, finish) in seconds.
std::map<std::string, std::pair<double, double>> times(const std::string& path) {
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), s = csv.require({"first_start_s"}),
             e = csv.require({"finish_s"});
  std::map<std::string, std::pair<double, double>> out;
  while (csv.next())
    out[csv.field(id)] = {csv.get_double(s), csv.get_double(e)};
  return out;
}

std::map<std::string, std::pair<double, double>> run_small(const std::string& cluster,
                                                           const std::string& trace,
                                                           const std::string& policy,
                                                           const std::string& sets) {
  TempDir dir;
  auto c = dir.write(
      "cluster.csv",
      "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n" + cluster + "\n");
  auto t = dir.write("trace.csv", std::string(kHeader) + trace);
  auto r =
      run_cli("run --cluster " + c + " --trace " + t + " --trace-format muri --policy " + policy +
              " --set muri.overhead=none " + sets + " -q --out " + (dir.path() / "out").string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return times((dir.path() / "out" / "jobs.csv").string());
}

struct Summary {
  double avg, makespan, p99;
};

Summary run_paper_trace(const std::string& trace, const std::string& policy,
                        const std::string& sets = "") {
  TempDir dir;
  const std::string a = anchor("muri");
  auto r = run_cli("run --cluster " + a + "/cluster_specs/n8g8_sim.csv --trace " + a +
                   "/trace-data/" + trace + ".csv --trace-format muri --policy " + policy +
                   " --set muri.overhead_table=" + a + "/restart_overhead_s.csv " + sets +
                   " -q --out " + dir.path().string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto s = slurp(dir.file("summary.json"));
  auto num = [&](const std::string& key) {
    const auto at = s.find("\"" + key + "\"");
    REQUIRE(at != std::string::npos);
    return std::stod(s.substr(s.find(':', at) + 1));
  };
  return {num("jct_mean_s"), num("makespan_s"), num("jct_p99_s")};
}

}  // namespace

TEST_CASE("themis LP: capacity-binding optimum equalises rho (hand solutions)", "[muri][themis]") {
  // Two 2-GPU jobs on 2 GPUs, w = 0, R*t = 10, E = 10: rho_i = 1/x_i, sum 2 x_i <= 2 ->
  // x = (0.5, 0.5), rho = 2.
  auto x = muri::themis_shares({{2, 0, 10, 10}, {2, 0, 10, 10}}, 2);
  CHECK(x[0] == Approx(0.5).epsilon(1e-12));
  CHECK(x[1] == Approx(0.5).epsilon(1e-12));
  // 1 GPU, R*t = 1 and 3, E = 1: 1/tau + 3/tau = 1 -> tau = 4, x = (1/4, 3/4).
  x = muri::themis_shares({{1, 0, 1, 1}, {1, 0, 3, 1}}, 1);
  CHECK(x[0] == Approx(0.25).epsilon(1e-12));
  CHECK(x[1] == Approx(0.75).epsilon(1e-12));
  // One job alone: its whole demand.
  CHECK(muri::themis_shares({{4, 100, 5, 7}}, 64)[0] == 1.0);
}

TEST_CASE("themis LP: capacity-binding optimum agrees with ECOS", "[muri][themis]") {
  // ECOS 2.0's optimum of a capacity-bound instance (themis_ecos_instance.hpp).
  const auto jobs = ecos_instance_jobs<ThemisJob>();
  const auto& ecos = kEcosInstanceShares;
  const auto x = muri::themis_shares(jobs, 8);
  for (std::size_t i = 0; i < x.size(); ++i)
    CHECK(x[i] == Approx(ecos[i]).epsilon(1e-8));
}

TEST_CASE("themis LP: slack capacity, the selected optimum", "[muri][themis]") {
  // Job 0 waited 9 s: rho_0(1) = (9 + 1)/1 = 10 = tau*; job 1 (rho_1(1) = 1) may take any
  // x in [l, 1] with l = 1 / (10 * 1 - 0) = 0.1.
  const std::vector<ThemisJob> jobs{{1, 9, 1, 1}, {1, 0, 1, 1}};
  auto m = muri::themis_shares(jobs, 4, ThemisOptimum::kMinimal);
  CHECK(m[0] == 1.0);
  CHECK(m[1] == Approx(0.1).epsilon(1e-12));
  // Analytic centre, K = 10, S = 4 - 1 - x: 1.5K/(Kx - 1) - 1/(1 - x) = 1/S holds.
  auto c = muri::themis_shares(jobs, 4, ThemisOptimum::kCenter);
  CHECK(c[0] == 1.0);
  const double x = c[1], s = 4 - 1 - x;
  CHECK(15 / (10 * x - 1) - 1 / (1 - x) == Approx(1 / s).epsilon(1e-9));
  // Without capacity pressure the centre is x = 0.6 + 0.4 l (1.5K(1 - x) = Kx - 1).
  auto far = muri::themis_shares(jobs, 1000000000, ThemisOptimum::kCenter);
  CHECK(far[1] == Approx(0.6 + 0.4 * 0.1).epsilon(1e-6));
}

TEST_CASE("muri-themis: hand-computed schedules", "[muri][themis]") {
  // No restart overhead, calibration 1 (isolated iteration time = trace value).
  const std::string sets = "--set muri.themis.calibration=1";
  SECTION("the LP, not arrival order, decides: larger iteration time -> larger share") {
    // 1 GPU; B (400 it x 0.5 s) listed before A (100 it x 2 s), both at t=0. n = 2, a = 1,
    // E = R, so rho_i(x) = t_i / x: 2/tau + 0.5/tau = 1 -> tau = 2.5, x_A = 0.8 > x_B = 0.2.
    // A runs 0-200, B 200-400 (FIFO would run B first).
    auto t = run_small("1,1,1,92,520",
                       "0,1,0,400,resnet18,128,200000,0,500,300,100,0,0\n"
                       "1,1,0,100,resnet18,128,200000,0,2000,300,100,0,0\n",
                       "muri-themis", sets);
    CHECK(t["1"].first == Approx(0));
    CHECK(t["1"].second == Approx(200));
    CHECK(t["0"].first == Approx(200));
    CHECK(t["0"].second == Approx(400));
  }
  SECTION("a new job outranks one that has run (x * 1e9 vs x / time run)") {
    // A (100 it x 1 s) at 0 runs alone. B (50 it x 1 s) at 10 s: R_A = 90, C_A = (100-90)/1,
    // E_A = 10 + 90 = 100, E_B = 50, w = (10, 0): 90/(100 tau - 10) + 50/(50 tau) = 1 ->
    // tau = 1 + sqrt(0.9), x_B = 1/tau = 0.513 ranked 0.513e9 > x_A / 10 s: A is preempted.
    // B runs 10-60, A resumes and ends at 60 + 90 = 150.
    auto t = run_small("1,1,1,92,520",
                       "0,1,0,100,resnet18,128,100000,0,1000,300,100,0,0\n"
                       "1,1,10000,50,resnet18,128,50000,0,1000,300,100,0,0\n",
                       "muri-themis", sets);
    CHECK(t["1"].first == Approx(10));
    CHECK(t["1"].second == Approx(60));
    CHECK(t["0"].second == Approx(150));
  }
}

TEST_CASE("muri-antman: hand-computed schedules", "[muri][antman]") {
  // No restart overhead; isolated iteration time = trace value x 1.015.
  SECTION("an opportunistic job shares a guaranteed job's GPU and is slowed down") {
    // 1 GPU. G (prio 0): 100 it x 1.015 s, stages (0.2, 0.6, 0) s. O (prio 1): 100 it,
    // stages (0.3, 0.5, 0). On G's GPU O's iteration time is max(1.015, n x 1.015) with the
    // original's count n: floor(0.3/0.6) = 0, remainder 0.3 -> 1; floor(0.5/0.2) = 2 -> 3,
    // remainder 0.1 -> 4; network 0 -> n = 4, 4.06 s. G ends at 101.5 s, O has done
    // 101.5 / 4.06 = 25 iterations, the other 75 alone take 76.125 s: O ends at 177.625 s.
    auto t = run_small("1,1,1,92,520",
                       "0,1,0,100,vgg16,16,100000,0,1000,200,600,0,0\n"
                       "1,1,0,100,vgg16,16,100000,0,1000,300,500,0,1\n",
                       "muri-antman", "");
    CHECK(t["0"].second == Approx(101.5));
    CHECK(t["1"].first == Approx(0));
    CHECK(t["1"].second == Approx(177.625));
  }
  SECTION("guaranteed jobs reserve GPUs in FIFO order and are never preempted") {
    // 2 GPUs. J1 (1 GPU, 100 it) takes GPU 0. J2 (2 GPUs, 50 it) reserves GPU 1 and waits.
    // J3 (1 GPU, 20 it) finds no GPU without a guaranteed job and waits although one is idle.
    // At 101.5 J1 ends, J2 completes its set and runs 50.75 s; J3 runs 152.25-172.55.
    auto t = run_small("1,1,2,92,520",
                       "1,1,0,100,vgg16,16,100000,0,1000,200,600,0,0\n"
                       "2,2,0,50,vgg16,16,50000,0,1000,200,600,10,0\n"
                       "3,1,0,20,vgg16,16,20000,0,1000,200,600,0,0\n",
                       "muri-antman", "");
    CHECK(t["1"].second == Approx(101.5));
    CHECK(t["2"].first == Approx(101.5));
    CHECK(t["2"].second == Approx(152.25));
    CHECK(t["3"].first == Approx(152.25));
    CHECK(t["3"].second == Approx(172.55));
  }
}

TEST_CASE("muri-antman reproduces the paper's raw AntMan numbers", "[muri][antman][fidelity]") {
  // anchors/muri/paper_sim_results_fig9_10.csv, AntMan rows (printed to ~10 digits). trace4 and
  // trace2_pr need Muri's float clock and end-event merging (EngineNeeds::iteration_clock):
  // with microsecond points they were 4e-6 and 6e-7 off.
  const std::map<std::string, Summary> paper{
      {"trace1", {5476391.317, 21788668.549359, 13690482.492206}},
      {"trace1_pr", {9808250.677, 20285085.619635, 20130532.648104}},
      {"trace2_pr", {18163389.280198, 48327650.120433, 45081678.610968}},
      {"trace3", {305453.9407, 8174140.28, 3904420.793}},
      {"trace3_pr", {2674393.018, 5799634.744, 5772254.906}},
      {"trace4", {2212462.719, 12292270.736001, 6438230.798}},
  };
  for (const auto& [trace, p] : paper) {
    INFO(trace);
    const auto s = run_paper_trace(trace, "muri-antman");
    CHECK(s.avg == Approx(p.avg).epsilon(1e-8));
    CHECK(s.makespan == Approx(p.makespan).epsilon(1e-8));
    CHECK(s.p99 == Approx(p.p99).epsilon(1e-8));
  }
}

TEST_CASE("muri-themis on trace3: the paper's mean JCT and makespan", "[muri][themis]") {
  // The paper's Themis runs used uncalibrated iteration times (its makespan job, 978, ends at
  // 8042503 + 604943 x 0.214 + overhead), hence calibration 1.
  // Paper: 397058.802 / 8172104.51 / 2967333.366 (avg / makespan / p99).
  // p99 is not checked: when the min-max optimum is not unique (most events) the original takes
  // whatever point ECOS stops at, which neither selectable point reproduces; the gap (1.46x) is
  // measured and explained in docs/muri_baselines.md.
  const auto s = run_paper_trace("trace3", "muri-themis", "--set muri.themis.calibration=1");
  CHECK(s.avg == Approx(397058.802).epsilon(0.01));
  CHECK(s.makespan == Approx(8172104.51).epsilon(1e-4));
}
