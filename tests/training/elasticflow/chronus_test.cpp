// chronus (the ElasticFlow artifact's Chronus baseline): a hand-checked golden schedule and the
// admission guarantee on the artifact's fig 8a / 10 / 11 traces.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clustersim/core/pipeline.hpp"
#include "test_support.hpp"

using namespace clustersim;

namespace {

// One node of `gpus` GPUs; model m (batch 8) with the given throughput row; slot 60 s, whole
// seconds, scheduling points at least `min_interval` s apart. `jobs` are trace rows.
RunConfig one_node(test::TempDir& dir, int gpus, const std::string& table, const std::string& jobs,
                   const char* min_interval) {
  std::filesystem::create_directories(dir.path() / "tp");
  dir.write("tp/m.csv", table);
  RunConfig c;
  c.inputs["cluster"] = dir.write("c.csv",
                        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                        "1,1," +
                            std::to_string(gpus) + ",64,256\n");
  c.inputs["trace"] = dir.write(
      "t.csv", "job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration\n" + jobs);
  c.inputs["throughputs"] = (dir.path() / "tp").string();
  c.policy = "chronus";
  c.params.set("engine.min_interval_s", min_interval);
  c.params.set("engine.whole_seconds", "true");
  return c;
}

}  // namespace

TEST_CASE("chronus golden: leases, adaptive objective, refusal and opportunistic runs",
          "[chronus]") {
  // One node of 8 GPUs, lease 240 s, preemption overhead resumes * 0.5 (1 + log2 g) s.
  // est = int(duration (1 + (1 + log2 g) 0.5 / 240) 1.1), r = ceil(est / 240),
  // window m = floor(ddl / 240) - lease index.
  //   A: submit 0,   8 GPUs, 400 s, ddl 1500: est = int(443.67) = 443, r = 2.
  //   B: submit 100, 4 GPUs, 300 s, ddl 500:  est = int(332.06) = 332, r = 2.
  //   C: submit 200, 4 GPUs, 100 s, ddl 2000: est = int(110.69) = 110, r = 1.
  // T=0:   admit A (next lease 1, m = 6 - 1 = 5; greedy takes leases 4, 3). Nothing runs.
  // T=240: lease step (index 1, no refusals yet -> maximise lease 0): A packed at 4, 3, its
  //        latest lease moves to now -> A runs [240, ...), end 240 + 400 + 1*2 = 642.
  //        Arrivals (next lease 2): B has m = 2 - 2 = 0 < r -> refused (its window for the
  //        rest of this test is widened to 2); C: m = 8 - 2 = 6, packs -> admitted.
  //        B becomes "lowest" (500 < 240 + 300). No free GPUs.
  // T=480: A has 240 s progress, still 1 lease (plan: absolute lease 4). One refusal since the
  //        last lease step -> minimise lease 0: neither A nor C (C packed at lease 7) runs now;
  //        A is preempted. B runs opportunistically on 4 GPUs (end 480 + 300 + 1.5 = 781.5).
  // T=720: B preempted (progress 240). No unaccepted job left (B is lowest) -> maximise: A's
  //        lease moves to now (A runs, 2nd resume): end 720 + 160 + 2*2 = 884. C (4 GPUs) does
  //        not fit next to A. B does not fit either.
  // T=960: A finished at 884. Maximise: C runs, end 960 + 100 + 1.5 = 1061.5. B runs in the
  //        4 free GPUs (2nd resume): end 960 + 60 + 2*1.5 = 1023 > 500 (missed).
  test::TempDir dir;
  const RunConfig c = one_node(dir, 8, "global_batch_size,1,2,4,8\n8,1,2,3,4\n",
                               "A,0,1600,m,1500,8,8,400\n"
                               "B,100,900,m,500,8,4,300\n"
                               "C,200,300,m,2000,8,4,100\n",
                               "60");
  const auto rep = execute_run(c);
  const auto& j = test::job_rows(rep);
  // The point for boundary 240 comes at 260 (engine.min_interval_s = 60 after C's arrival
  // point at 200): A holds GPUs from 260, but its end is computed from the boundary.
  CHECK(j[0].first_start == seconds(260));
  CHECK(j[0].finish == seconds(884));
  CHECK(j[1].first_start == seconds(480));
  CHECK(j[1].finish == seconds(1023));
  CHECK(j[2].first_start == seconds(960));
  CHECK(j[2].finish == seconds(1061) + kSecond / 2);
  CHECK(rep.summary["chronus_admitted"].get<int>() == 2);
  CHECK(rep.summary["chronus_refused"].get<int>() == 1);
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() == Approx(2.0 / 3));
}

TEST_CASE("chronus: every admitted job meets its deadline when no overhead applies", "[chronus]") {
  const auto root = std::string("elasticflow/ElasticFlow/");
  struct Case {
    const char* trace;
    const char* spec;
    const char* gpu;
    const char* slot;
  };
  for (const Case& k : {Case{"elasticVpollux_e", "n16g4", "T4", "60"},
                        Case{"100jobs_1500lam", "n16g8", "A100", "240"},
                        Case{"200jobs_900lam_0.5", "n8g8", "A100", "240"}}) {
    const auto trace = test::anchor(root + "traces_for_ElasticFlow/" + k.trace + ".csv");
    if (!std::filesystem::exists(trace)) continue;
    RunConfig c;
    c.inputs["cluster"] = test::anchor(root + "scheduler/cluster_specs/" + k.spec + ".csv");
    c.inputs["trace"] = trace;
    c.inputs["throughputs"] = test::anchor(root + "scheduler/throughputs_" + k.gpu);
    c.policy = "chronus";
    c.params.set("gpu_type", k.gpu);
    c.params.set("engine.min_interval_s", k.slot);
    c.params.set("engine.whole_seconds", "true");
    c.params.set("chronus.preempt_overhead", "false");
    const auto rep = execute_run(c);
    INFO(k.trace);
    CHECK(rep.summary["chronus_admitted"].get<int>() > 0);
    CHECK(rep.summary["chronus_demoted"].get<int>() == 0);
    CHECK(rep.summary["chronus_admitted_missed"].get<int>() == 0);
    // The exact lease solver proved every lease step optimal.
    CHECK(rep.summary["chronus_solver_calls"].get<int>() > 0);
    CHECK(rep.summary["chronus_solver_unproven"].get<int>() == 0);
  }
}

TEST_CASE("chronus: a job submitted after a boundary waits for the next one", "[chronus]") {
  // engine.min_interval_s = 60 delays the point for boundary 240 to 260 (A's arrival point was
  // at 200). Y arrives at 250, after that boundary: the artifact sees it only at 480, so it must
  // not run from 240 (before its submission) as an opportunistic job.
  //   A: 1 GPU, 100 s, ddl 5000: est = int(100 (1 + 0.5/240) 1.1) = 110, 1 lease; admitted at
  //      240 (next lease 2, window 20 - 2 = 18 leases, packed in the last). At 480 nothing is
  //      refused -> maximise: A's lease moves to now: runs [480, 580.5] (one resume, 0.5 s).
  //   Y: 1 GPU, 30 s, ddl 5000: admitted at 480 (next lease 3); at 720 maximise -> runs,
  //      end 720 + 30 + 0.5 = 750.5.
  test::TempDir dir;
  const RunConfig c = one_node(dir, 8, "global_batch_size,1,2,4,8\n8,1,2,3,4\n",
                               "A,200,100,m,5000,8,1,100\n"
                               "Y,250,30,m,5000,8,1,30\n",
                               "60");
  const auto rep = execute_run(c);
  const auto& j = test::job_rows(rep);
  CHECK(j[0].first_start == seconds(480));
  CHECK(j[0].finish == seconds(580) + kSecond / 2);
  CHECK(j[1].first_start == seconds(720));
  CHECK(j[1].finish == seconds(750) + kSecond / 2);
  CHECK(rep.summary["chronus_admitted"].get<int>() == 2);
}

TEST_CASE("chronus fig 8a: admission bounded by the trace, admitted jobs on time", "[chronus]") {
  // The artifact's fig 8a setting (scripts/run_fig8a.sh): 195 jobs on 16 x 4 T4 GPUs.
  const auto root = std::string("elasticflow/ElasticFlow/");
  const auto trace = test::anchor(root + "traces_for_ElasticFlow/elasticVpollux_e.csv");
  if (!std::filesystem::exists(trace)) return;
  // A job can be admitted only if, at the first lease boundary T >= submit (next lease index
  // T/240 + 1), its r = ceil(est/240) leases fit in its m = floor(ddl/240) - (T/240 + 1)
  // leases on an empty cluster, est = int(duration (1 + (1 + log2 g) 0.5/240) 1.1).
  std::ifstream in(trace);
  std::string line;
  // Header: job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration.
  std::getline(in, line);
  int jobs = 0, admissible = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');)
      f.push_back(x);
    if (f.size() < 8) continue;
    const long submit = std::stol(f[1]), ddl = std::stol(f[4]), dur = std::stol(f[7]);
    const int g = std::stoi(f[6]);
    const long T = (submit + 239) / 240 * 240;
    const long m = ddl / 240 - (T / 240 + 1);
    const long est = static_cast<long>(dur * (1 + (1 + std::log2(g)) * 0.5 / 240) * 1.1);
    const long r = (est + 239) / 240;
    ++jobs;
    admissible += r <= m;
  }
  REQUIRE(jobs == 195);
  RunConfig c;
  c.inputs["cluster"] = test::anchor(root + "scheduler/cluster_specs/n16g4.csv");
  c.inputs["trace"] = trace;
  c.inputs["throughputs"] = test::anchor(root + "scheduler/throughputs_T4");
  c.policy = "chronus";
  c.params.set("gpu_type", "T4");
  c.params.set("engine.min_interval_s", "0");
  c.params.set("engine.whole_seconds", "true");
  const auto rep = execute_run(c);
  const int admitted = rep.summary["chronus_admitted"].get<int>();
  CHECK(admitted > 0);
  CHECK(admitted <= admissible);
  // An admitted job gets r leases of 240 s before its cut deadline; it needs its duration plus
  // at most r resumes x 0.5 (1 + log2 16) = 2.5 s (16 GPUs at most here), and
  // 240 r >= est >= 1.1 duration - 1 gives 237.5 r >= duration: it always finishes in time.
  CHECK(rep.summary["chronus_admitted_met"].get<int>() == admitted);
  CHECK(rep.summary["chronus_met"].get<int>() >= admitted);
  CHECK(rep.summary["chronus_solver_unproven"].get<int>() == 0);
  CHECK(rep.summary["deadline_satisfaction_admitted_only"].get<double>() ==
        Approx(static_cast<double>(admitted) / 195));
}

TEST_CASE("chronus: the exact lease plan runs the 4-GPU job the greedy leaves for later",
          "[chronus]") {
  // One node of 4 GPUs, lease 240 s. A: 4 GPUs, B: 2 GPUs, both 200 s, deadline 1000, submitted
  // at 10 and 20. est = int(200 (1 + (1 + log2 g) 0.5/240) 1.1) <= 240: one lease each.
  // T=240: both admitted (next lease 2, window floor(1000/240) - 2 = 2 leases; cut deadline
  //        960). Nothing refused, so later lease steps maximise the GPUs used now.
  // T=480: the admission greedy packs A (larger first) in the later lease and B, which no
  //        longer fits there, now. Greedy improvement: A (4) cannot join B (2) now -> lease 0
  //        holds 2 GPUs: B runs [480, 681] (one resume: 0.5 (1 + 1) s), A at 720 ends
  //        720 + 200 + 0.5 (1 + 2) = 921.5. The MILP optimum puts 4 GPUs in lease 0: A now
  //        (ends 681.5), B at 720 (ends 921). Both meet the cut deadline either way.
  test::TempDir dir;
  for (const char* solver : {"greedy", "exact"}) {
    RunConfig c = one_node(dir, 4, "global_batch_size,1,2,4\n8,1,2,3\n",
                           "A,10,600,m,1000,8,4,200\n"
                           "B,20,400,m,1000,8,2,200\n",
                           "0");
    c.params.set("chronus.solver", solver);
    const auto rep = execute_run(c);
    const auto& j = test::job_rows(rep);
    INFO(solver);
    const bool exact = std::string(solver) == "exact";
    CHECK(j[0].first_start == seconds(exact ? 480 : 720));
    CHECK(j[0].finish == seconds(exact ? 681 : 921) + kSecond / 2);
    CHECK(j[1].first_start == seconds(exact ? 720 : 480));
    CHECK(j[1].finish == seconds(exact ? 921 : 681));
    CHECK(rep.summary["chronus_admitted_met"].get<int>() == 2);
    if (exact) CHECK(rep.summary["chronus_solver_searched"].get<int>() >= 1);
  }
}
