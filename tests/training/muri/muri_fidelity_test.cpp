// Fidelity against our re-runs of the unmodified Muri simulator (anchors/muri/reference_reruns,
// n8g8, yarn): average JCT, makespan and p99 JCT (element int(0.99 n) of the sorted JCTs, as
// Muri's calc.py) within 0.1 %, plus the job count. Expected values are the reference outputs'
// (and, where they coincide, the paper's raw numbers in paper_sim_results_*.csv). The Muri-S /
// Muri-L variants on trace3 are also checked per job (every JCT within 1e-6 relative).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "clustersim/core/csv.hpp"
#include "test_support.hpp"

using clustersim::CsvReader;
using namespace clustersim::test;

namespace {

struct Metrics {
  std::size_t n = 0;
  double avg = 0, makespan = 0, p99 = 0;
};

// job id -> (JCT, end time) from a jobs CSV; rows without a JCT (unfinished) are skipped.
std::map<std::string, std::pair<double, double>> read_jobs(const std::string& path,
                                                           const std::string& jct_col,
                                                           const std::string& end_col) {
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), jc = csv.require({jct_col}), ec = csv.require({end_col});
  std::map<std::string, std::pair<double, double>> out;
  while (csv.next()) {
    if (csv.field(jc).empty()) continue;
    out[csv.field(id)] = {csv.get_double(jc), csv.get_double(ec)};
  }
  return out;
}

// Count, mean JCT, makespan (latest end) and p99 JCT (Muri's index 0.99 n of the sorted JCTs).
Metrics metrics(const std::string& path, const std::string& jct_col, const std::string& end_col) {
  std::vector<double> jct;
  Metrics m;
  for (const auto& [id, je] : read_jobs(path, jct_col, end_col)) {
    jct.push_back(je.first);
    m.makespan = std::max(m.makespan, je.second);
  }
  REQUIRE(!jct.empty());
  std::sort(jct.begin(), jct.end());
  m.n = jct.size();
  for (double x : jct)
    m.avg += x;
  m.avg /= jct.size();
  m.p99 = jct[static_cast<std::size_t>(0.99 * jct.size())];
  return m;
}

// Runs `policy` on a Muri trace on n8g8 with Muri's overhead table; results go to `dir`.
void run_muri(const TempDir& dir, const std::string& trace, const std::string& policy,
              const std::string& sets) {
  const std::string a = anchor("muri");
  auto r =
      run_cli("run --cluster " + a + "/cluster_specs/n8g8_sim.csv --trace " + a + "/trace-data/" +
              trace + ".csv --policy " + policy + " --set muri.overhead_table=" + a +
              "/restart_overhead_s.csv " + sets + " -q --out " + dir.path().string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

// The metrics of one run_muri run.
Metrics run_metrics(const std::string& trace, const std::string& policy, const std::string& sets) {
  TempDir dir;
  run_muri(dir, trace, policy, sets);
  return metrics(dir.file("jobs.csv"), "jct_s", "finish_s");
}

void check_run(const std::string& trace, const std::string& policy, const std::string& sets,
               const std::string& reference) {
  const auto ours = run_metrics(trace, policy, sets);
  const auto ref = metrics(anchor("muri") + "/reference_reruns/" + reference, "JCT", "end_time");
  INFO(trace << " " << policy << " " << sets);
  CHECK(ours.n == ref.n);
  CHECK(ours.avg == Approx(ref.avg).epsilon(1e-3));
  CHECK(ours.makespan == Approx(ref.makespan).epsilon(1e-3));
  CHECK(ours.p99 == Approx(ref.p99).epsilon(1e-3));
}

// Every job's JCT (matched by job id) within 1e-6 relative of the reference's.
void check_per_job(const std::string& trace, const std::string& policy, const std::string& sets,
                   const std::string& reference) {
  TempDir dir;
  run_muri(dir, trace, policy, sets);
  const std::string a = anchor("muri");
  auto ours = read_jobs(dir.file("jobs.csv"), "jct_s", "finish_s");
  auto ref = read_jobs(a + "/reference_reruns/" + reference, "JCT", "end_time");
  INFO(trace << " " << policy << " " << sets);
  REQUIRE(ours.size() == ref.size());
  int same = 0;
  std::string a_diff;
  for (const auto& [id, je] : ref) {
    const double jct = je.first;
    auto it = ours.find(id);
    if (it != ours.end() && std::abs(it->second.first - jct) <= 1e-6 * jct) {
      ++same;
    } else if (a_diff.empty()) {
      a_diff = id;
    }
  }
  INFO("e.g. job " << a_diff << " differs");
  CHECK(same == static_cast<int>(ref.size()));
}

}  // namespace

TEST_CASE("muri fidelity: baselines on trace3 (Muri's SRTF, SRSF, Tiresias)", "[muri][fidelity]") {
  check_run("trace3", "muri-srtf", "", "trace3_n8g8/shortest.job.csv");
  check_run("trace3", "muri-srsf", "", "trace3_n8g8/shortest-gpu.job.csv");
  check_run("trace3", "muri-tiresias", "", "trace3_n8g8/dlas-gpu.job.csv");
}

TEST_CASE("muri fidelity: Muri-S / Muri-L on trace3, autopack off (Figs. 9-12) and on",
          "[muri][fidelity]") {
  check_run("trace3", "muri-s", "--set muri.autopack=false",
            "trace3_n8g8/multi-resource-blossom-same-gpu-noautopack.job.csv");
  check_run("trace3", "muri-l", "--set muri.autopack=false",
            "trace3_n8g8/multi-resource-blossom-same-gpu-unaware-noautopack.job.csv");
  check_run("trace3", "muri-s", "--set muri.autopack=true",
            "trace3_n8g8/multi-resource-blossom-same-gpu.job.csv");
  check_run("trace3", "muri-l", "--set muri.autopack=true",
            "trace3_n8g8/multi-resource-blossom-same-gpu-unaware.job.csv");
  check_run("trace3", "muri-l-noblossom", "--set muri.autopack=false",
            "trace3_n8g8/multi-resource-gpu-unaware-noautopack.job.csv");
}

TEST_CASE("muri fidelity: model mix job_type_1..3 (Fig. 13, autopack on)", "[muri][fidelity]") {
  for (int t = 1; t <= 3; ++t) {
    const std::string jt = "job_type_" + std::to_string(t);
    check_run(jt, "muri-s", "",
              "job_types_n8g8/" + jt + "__multi-resource-blossom-same-gpu.job.csv");
    check_run(jt, "muri-l", "",
              "job_types_n8g8/" + jt + "__multi-resource-blossom-same-gpu-unaware.job.csv");
  }
  check_run(
      "job_type_1", "muri-l", "--set muri.autopack=false",
      "job_types_n8g8/job_type_1__multi-resource-blossom-same-gpu-unaware-noautopack.job.csv");
}

TEST_CASE("muri fidelity: Muri-S / Muri-L variants on trace3 agree per job", "[muri][fidelity]") {
  // The worst-ordering ablation is the most sensitive to the stage times' last bit (its pair
  // weights tie often): stage times must be ms / 1000 as in Muri, not ms x 1e-3 (e.g. bert's
  // 59 ms net stage differs by one ulp), or job 184 (at ~1.38e6 s, autopack off) is grouped
  // differently and 373 jobs differ (avg JCT 147,063 s instead of 146,324 s).
  check_per_job(
      "trace3", "muri-l-worstordering", "--set muri.autopack=false",
      "trace3_n8g8/multi-resource-blossom-same-gpu-unaware-worstordering-noautopack.job.csv");
  check_per_job("trace3", "muri-l-worstordering", "--set muri.autopack=true",
                "trace3_n8g8/multi-resource-blossom-same-gpu-unaware-worstordering.job.csv");
  check_per_job("trace3", "muri-s", "--set muri.autopack=false",
                "trace3_n8g8/multi-resource-blossom-same-gpu-noautopack.job.csv");
  check_per_job("trace3", "muri-l", "--set muri.autopack=false",
                "trace3_n8g8/multi-resource-blossom-same-gpu-unaware-noautopack.job.csv");
  check_per_job("trace3", "muri-s", "--set muri.autopack=true",
                "trace3_n8g8/multi-resource-blossom-same-gpu.job.csv");
  check_per_job("trace3", "muri-l", "--set muri.autopack=true",
                "trace3_n8g8/multi-resource-blossom-same-gpu-unaware.job.csv");
  check_per_job("trace3", "muri-l-noblossom", "--set muri.autopack=false",
                "trace3_n8g8/multi-resource-gpu-unaware-noautopack.job.csv");
}

TEST_CASE("muri fidelity: Muri's Tiresias agrees per job on trace3, trace4 and trace4_pr",
          "[muri][fidelity]") {
  // Needs Muri's float clock and its dlas event loop (EngineNeeds::earliest_end_only): on
  // trace4_pr, rounding each point to the µs and ending every job whose end fell in one µs
  // together left 1,464 of 2,638 JCTs different (job 37 first, 3 s late; avg JCT -0.37 %):
  // the original ends jobs whose ends differ in the last bit at separate events (3356.97535 s
  // and one ulp before), charging the later one its overhead at the first, and repeats a queue
  // jump that leaves the run time a rounding error short of the limit (3250.0 s, then
  // 3250.0000000000014 s).
  check_per_job("trace3", "muri-tiresias", "", "trace3_n8g8/dlas-gpu.job.csv");
  check_per_job("trace4", "muri-tiresias", "", "trace4_n8g8/dlas-gpu.job.csv");
  check_per_job("trace4_pr", "muri-tiresias", "", "trace4_pr_n8g8/dlas-gpu.job.csv");
}

namespace {

// avg JCT, makespan and p99 JCT of `scheduler` on `trace` in the paper's raw numbers.
Metrics paper_fig9_10(const std::string& trace, const std::string& scheduler) {
  CsvReader csv(anchor("muri/paper_sim_results_fig9_10.csv"));
  const auto t = csv.require({"trace"}), s = csv.require({"scheduler"}),
             avg = csv.require({"avg_jct_s"}), mk = csv.require({"makespan_s"}),
             p99 = csv.require({"p99_jct_s"});
  while (csv.next()) {
    if (csv.field(t) == trace && csv.field(s) == scheduler)
      return {0, csv.get_double(avg), csv.get_double(mk), csv.get_double(p99)};
  }
  FAIL("no paper row for " << trace << " " << scheduler);
  return {};
}

}  // namespace

TEST_CASE("muri fidelity: Muri-S, Muri-L and SRTF equal the paper's raw numbers (Figs. 9/10)",
          "[muri][fidelity]") {
  // No per-job re-runs of the original exist for these traces in the anchors; the paper's
  // numbers are printed to 10 significant digits. They need Muri's float clock
  // (EngineNeeds::iteration_clock: with every point rounded to µs, trace3_pr Muri-S drifts by
  // 3 µs in its first events and ends 1.5 % low), its blossom's fixed loop range (else a tie
  // between two equal-weight matchings breaks the other way at t = 14,887 s on trace3_pr), an end
  // near an arrival happening at the arrival (trace1 Muri-L, t = 4,721,246 s) and ends within
  // 1e-9 relative sharing one event (trace2 SRTF: job 4821 ends with job 4810, 3.6 ms early).
  struct Run {
    const char *trace, *policy, *scheduler, *sets;
  };
  const Run runs[] = {{"trace3_pr", "muri-s", "Muri-S", "--set muri.autopack=false"},
                      {"trace3_pr", "muri-l", "Muri-L", "--set muri.autopack=false"},
                      {"trace1", "muri-s", "Muri-S", "--set muri.autopack=false"},
                      {"trace1", "muri-l", "Muri-L", "--set muri.autopack=false"},
                      {"trace1_pr", "muri-s", "Muri-S", "--set muri.autopack=false"},
                      {"trace1_pr", "muri-l", "Muri-L", "--set muri.autopack=false"},
                      {"trace2", "muri-srtf", "SRTF", ""}};
  for (auto [trace, policy, scheduler, sets] : runs) {
    const auto ours = run_metrics(trace, policy, sets);
    const auto paper = paper_fig9_10(trace, scheduler);
    INFO(trace << " " << policy);
    CHECK(ours.avg == Approx(paper.avg).epsilon(1e-8));
    CHECK(ours.makespan == Approx(paper.makespan).epsilon(1e-8));
    CHECK(ours.p99 == Approx(paper.p99).epsilon(1e-8));
  }
}
