// Fidelity tests against the ElasticFlow artifact (pkusys/ElasticFlow @04a0109): fig 8a
// (elasticVpollux_e, n16g4, T4 tables, slot 60 s). Expected numbers are the artifact's own
// outputs in anchors/elasticflow/reference_runs (final_result.csv and per-job job.csv).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "../src/training/policies/elasticflow_planner.hpp"
#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/training/placement.hpp"
#include "clustersim/core/pipeline.hpp"
#include "test_support.hpp"

using namespace clustersim;

namespace {

RunConfig fig8a(const std::string& policy) {
  RunConfig c;
  c.inputs["cluster"] = test::anchor("elasticflow/ElasticFlow/scheduler/cluster_specs/n16g4.csv");
  c.inputs["trace"] = test::anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/elasticVpollux_e.csv");
  c.inputs["throughputs"] = test::anchor("elasticflow/ElasticFlow/scheduler/throughputs_T4");
  c.policy = policy;
  c.params.set("gpu_type", "T4");
  c.params.set("ef.slot_s", "60");
  c.params.set("engine.min_interval_s", "60");
  c.params.set("engine.whole_seconds", "true");
  c.params.set("engine.efficiency", "true");
  return c;
}

struct Times {
  double start, end;
};

// job_id -> (start, end) from an artifact job.csv
std::map<std::string, Times> artifact_jobs(const std::string& policy) {
  CsvReader csv(test::anchor("elasticflow/reference_runs/fig8a/" + policy + "/job.csv"));
  const auto id = csv.require({"job_id"}), s = csv.require({"start_time"}),
             e = csv.require({"end_time"});
  std::map<std::string, Times> out;
  while (csv.next())
    out[csv.field(id)] = {csv.get_double(s), csv.get_double(e)};
  return out;
}

std::map<std::string, Times> our_jobs(const RunOutput& rep) {
  test::TempDir dir;
  const std::string path = dir.write("jobs.csv", rep.file("jobs.csv"));
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), s = csv.require({"first_start_s"}),
             e = csv.require({"finish_s"}), st = csv.require({"status"});
  std::map<std::string, Times> out;
  while (csv.next()) {
    if (csv.field(st) != "finished") continue;
    // A job can finish without ever holding GPUs (gandiva's time slicing): no start then.
    const double start = csv.field(s).empty() ? -1.0 : csv.get_double(s);
    out[csv.field(id)] = {start, csv.get_double(e)};
  }
  return out;
}

// Jobs of `ref` with identical start and end in `ours`; every one must be in `ours`.
int same_start_and_end(const std::map<std::string, Times>& ref,
                       const std::map<std::string, Times>& ours) {
  int same = 0;
  for (const auto& [id, t] : ref) {
    auto it = ours.find(id);
    REQUIRE(it != ours.end());
    same += it->second.start == t.start && it->second.end == t.end;
  }
  return same;
}

}  // namespace

TEST_CASE("edf reproduces the artifact's fig 8a run job by job", "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("edf"));
  // final_result.csv: ddl_satis_ratio 0.11794871794871795 (23 of 195).
  CHECK(rep.summary["deadline_satisfaction"].get<double>() == Approx(23.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() ==
        Approx(23.0 / 195).epsilon(1e-12));
  const auto ref = artifact_jobs("edf");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 195);
  REQUIRE(ours.size() == 195);
  const int same = same_start_and_end(ref, ours);
  CHECK(same == 195);
}

TEST_CASE("elasticflow reproduces the artifact's ef-accessctrl fig 8a run job by job",
          "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("elasticflow"));
  // final_result.csv: 0.7282051282051282 = 142/195 (judged by planned finish, 50 refusals
  // counted); research notes: 127 of the 195 jobs finish by their deadline by logged end time.
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() ==
        Approx(142.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["deadline_satisfaction"].get<double>() == Approx(127.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["jobs_rejected"].get<int>() == 50);
  const auto ref = artifact_jobs("ef-accessctrl");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 145);
  REQUIRE(ours.size() == 145);
  const int same = same_start_and_end(ref, ours);
  CHECK(same == 145);
}

namespace {

RunConfig generated(const std::string& trace, const std::string& spec, const std::string& policy) {
  RunConfig c;
  c.inputs["cluster"] = test::anchor("elasticflow/ElasticFlow/scheduler/cluster_specs/" + spec + ".csv");
  c.inputs["trace"] = test::anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/" + trace + ".csv");
  c.inputs["throughputs"] = test::anchor("elasticflow/ElasticFlow/scheduler/throughputs_A100");
  c.policy = policy;
  c.params.set("gpu_type", "A100");
  c.params.set("ef.slot_s", "240");
  c.params.set("engine.min_interval_s", "240");
  c.params.set("engine.whole_seconds", "true");
  return c;
}

// ddl_ratio(final_result) of one policy in reference_runs/summary_<experiment>.csv.
double artifact_ratio(const std::string& experiment, const std::string& policy) {
  CsvReader csv(test::anchor("elasticflow/reference_runs/summary_" + experiment + ".csv"));
  const auto p = csv.require({"policy"}), r = csv.require({"ddl_ratio(final_result)"});
  while (csv.next()) {
    if (csv.field(p) == policy) return csv.get_double(r);
  }
  FAIL("no " << policy << " in " << experiment);
  return 0;
}

double ratio_of(const RunOutput& rep) {
  return rep.summary["deadline_satisfaction_artifact"].get<double>();
}

}  // namespace

TEST_CASE(
    "fig 9 (1000 jobs, 64/128/256 GPUs): edf and edf-ac as the artifact, elasticflow within 0.02",
    "[elasticflow][fidelity]") {
  for (const std::string spec : {"n8g8", "n16g8", "n32g8"}) {
    const std::string exp = "fig9_" + spec;
    INFO(exp);
    // The summary keeps 4 decimals of the artifact's ratio.
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "edf"))) ==
          Approx(artifact_ratio(exp, "edf")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "edf-ac"))) ==
          Approx(artifact_ratio(exp, "edf-accessctrl")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "elasticflow"))) ==
          Approx(artifact_ratio(exp, "ef-accessctrl")).margin(0.02));
  }
}

TEST_CASE("fig 10 (100 jobs, 128 GPUs): every policy as the artifact", "[elasticflow][fidelity]") {
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "gandiva"))) ==
        Approx(artifact_ratio("fig10", "gandiva")).margin(5e-5));
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "tiresias-ef"))) ==
        Approx(artifact_ratio("fig10", "dlas-gpu")).margin(5e-5));
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "themis"))) ==
        Approx(artifact_ratio("fig10", "themis")).margin(0.02));
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "edf"))) ==
        Approx(artifact_ratio("fig10", "edf")).margin(5e-5));
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "elasticflow"))) ==
        Approx(artifact_ratio("fig10", "ef-accessctrl")).margin(0.02));
}

TEST_CASE(
    "fig 11 (best-effort share 10..90 %): edf, gandiva, tiresias-ef as the artifact at every share",
    "[elasticflow][fidelity]") {
  for (const std::string b : {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}) {
    INFO("share " << b);
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "edf"))) ==
          Approx(artifact_ratio("fig11_" + b, "edf")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "gandiva"))) ==
          Approx(artifact_ratio("fig11_" + b, "gandiva")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "tiresias-ef"))) ==
          Approx(artifact_ratio("fig11_" + b, "dlas-gpu")).margin(5e-5));
  }
}

// Known gap: themis is within 0.02 at 8 of 9 shares (0.5: 0.4737 vs 0.4947). The reference used
// the research team's own bisection stand-in for cvxpy/ECOS, whose choice among the many optima
// decides the job order; it is not available, so the tie-break cannot be matched.
TEST_CASE("fig 11: themis within 0.02 of the artifact at every share",
          "[elasticflow][fidelity][!mayfail]") {
  for (const std::string b : {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}) {
    INFO("share " << b);
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "themis"))) ==
          Approx(artifact_ratio("fig11_" + b, "themis")).margin(0.02));
  }
}

// Known gap: ElasticFlow is within 0.02 at 5 of 9 shares. Our runs are job by job those of a
// re-typed copy of the artifact's stored code (docs/elasticflow.md, "Why these A100 runs
// differ"); the reference runs are not, so no semantic fix closes this.
TEST_CASE("fig 11: elasticflow within 0.02 of the artifact at every share",
          "[elasticflow][fidelity][!mayfail]") {
  for (const std::string b : {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}) {
    INFO("share " << b);
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "elasticflow"))) ==
          Approx(artifact_ratio("fig11_" + b, "ef-accessctrl")).margin(0.02));
  }
}

// Hand-checked traces on one 8-GPU node, one model whose table is 1, 2, 3, 4 it/s on
// 1, 2, 4, 8 GPUs (batch 8, so the cap is 8 GPUs), slot 60 s.
namespace {

struct Tiny {
  test::TempDir dir;
  RunConfig config(const std::string& policy, const std::string& trace_rows) {
    std::filesystem::create_directories(dir.path() / "tp");
    dir.write("tp/m.csv", "global_batch_size,1,2,4,8\n8,1,2,3,4\n");
    RunConfig c;
    c.inputs["cluster"] = dir.write(
        "c.csv",
        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,1,8,64,256\n");
    c.inputs["trace"] = dir.write(
        "t.csv",
        "job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration\n" + trace_rows);
    c.inputs["throughputs"] = (dir.path() / "tp").string();
    c.policy = policy;
    c.params.set("ef.slot_s", "60");
    c.params.set("engine.min_interval_s", "60");
    c.params.set("engine.whole_seconds", "true");
    return c;
  }
};

}  // namespace

TEST_CASE(
    "elasticflow golden: a lone job grows to 8 GPUs and ends at its aligned planned end plus "
    "overhead",
    "[elasticflow]") {
  Tiny t;
  // Minimum share: 1 GPU (600 it by t=600 <= ddl 1000). Leftover GPUs grow it 1 -> 2 -> 4 -> 8:
  // 600 it at 4 it/s = 150 s, aligned to the 60-s grid: end event at 180. At t=0 it pays the
  // uncached overhead 2 + 2*(log2 8 + 1) = 10 s, so it completes at 190 (work done at 160, but
  // no scheduling point comes before its end event).
  const auto rep = execute_run(t.config("elasticflow", "a,0,600,m,1000,8,1,600\n"));
  const auto r = test::job_rows(rep)[0];
  CHECK(r.first_start == 0);
  CHECK(r.finish == seconds(190));
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() == 1.0);
  // edf: the cap (8 GPUs) at once, no overhead: ceil(600 / 4) = 150 s.
  const auto e = execute_run(t.config("edf", "a,0,600,m,1000,8,1,600\n"));
  CHECK(test::job_rows(e)[0].finish == seconds(150));
}

TEST_CASE(
    "elasticflow: an early completion is logged without the overhead paid since the last point",
    "[elasticflow]") {
  // a as in the golden test: 8 GPUs from t=0 (overhead 10 s), work done at 160, end event at 190.
  // b arrives at 170, so a point comes before a's end event and a completes there. The artifact
  // (jobs.run_all_jobs) logs previous point + ceil(600 / 4) = 150, leaving out the 10 s overhead;
  // ef.early_finish=exact keeps it: 160.
  const std::string rows = "a,0,600,m,1000,8,1,600\nb,170,60,m,5000,8,1,60\n";
  Tiny t1, t2;
  const auto art = execute_run(t1.config("elasticflow", rows));
  auto cfg = t2.config("elasticflow", rows);
  cfg.params.set("ef.early_finish", "exact");
  const auto exact = execute_run(cfg);
  CHECK(test::job_rows(art)[0].finish == seconds(150));
  CHECK(test::job_rows(exact)[0].finish == seconds(160));
  // Only the record differs: both complete at the point at 170, and b's schedule is the same.
  CHECK(test::job_rows(art)[1].first_start == test::job_rows(exact)[1].first_start);
  CHECK(test::job_rows(art)[1].finish == test::job_rows(exact)[1].finish);
}

TEST_CASE("elasticflow admission: a refusal leaves the admitted jobs' plans unchanged",
          "[elasticflow]") {
  // a and b each need the whole node for most of the window before their deadlines; c arrives
  // at 120 s with a deadline nobody can meet and is refused. The refusal's scheduling point
  // replans a and b to the same GPUs (no preemption, no resize); it only costs them that
  // point's overhead (the artifact charges one at every point), so both still meet.
  const std::string ab = "a,0,2000,m,800,8,8,500\nb,0,2000,m,1400,8,8,500\n";
  Tiny with_c, without_c;
  const auto rc = execute_run(with_c.config("elasticflow", ab + "c,120,2000,m,400,8,8,500\n"));
  const auto r0 = execute_run(without_c.config("elasticflow", ab));
  REQUIRE(test::job_rows(rc).size() == 3);
  CHECK(test::job_rows(rc)[2].status == JobStatus::kRejected);
  for (int k : {0, 1}) {
    const auto x = test::job_rows(rc)[k];
    const auto y = test::job_rows(r0)[k];
    CHECK(x.status == JobStatus::kFinished);
    CHECK(x.first_start == y.first_start);
    CHECK(x.preemptions == y.preemptions);
    CHECK(x.resizes == y.resizes);
    CHECK(x.finish <= seconds(k == 0 ? 800 : 1400));
  }
  // Refusals count in the artifact's denominator: 2 met of 3.
  CHECK(rc.summary["deadline_satisfaction_artifact"].get<double>() == Approx(2.0 / 3));
  CHECK(r0.summary["deadline_satisfaction_artifact"].get<double>() == 1.0);
}

TEST_CASE("elasticflow planner: an admitted plan meets its deadline and fits the free GPUs",
          "[elasticflow]") {
  // Plan jobs in deadline order on one timeline, as admission does, and check each plan that
  // reports `meets`: its allocation never exceeds what was free, and integrating its rates
  // over its steps covers its iterations by its planned real end, which is within the deadline.
  ef::PlanJob base;
  base.columns = {1, 2, 4, 8};
  base.rates = {1, 2, 3, 4};
  base.max_gpu = 8;
  const int G = 8;
  const ef::Sec slot = 60;
  ef::FreeTimeline tl;
  tl.pts = {{0, G}};
  const std::vector<std::pair<double, ef::Sec>> jobs = {
      {900, 500}, {1200, 700}, {3000, 1500}, {500, 1600}, {9000, 2000}};
  int met = 0;
  for (const auto& [iters, ddl] : jobs) {
    ef::PlanJob j = base;
    j.iter_left = iters;
    j.ddl = ddl;
    const ef::FreeTimeline before = tl;
    const auto p = ef::ef_plan(j, 0, slot, G, tl, -1);
    INFO("job " << iters << " it, ddl " << ddl);
    if (!p.meets) {
      CHECK(p.real_end > ddl);
      continue;
    }
    ++met;
    CHECK(p.real_end <= ddl);
    double done = 0;
    for (std::size_t k = 0; k < p.alloc.pts.size(); ++k) {
      const auto [t0, g] = p.alloc.pts[k];
      if (t0 >= p.real_end) break;
      const ef::Sec t1 =
          std::min(k + 1 < p.alloc.pts.size() ? p.alloc.pts[k + 1].first : p.real_end, p.real_end);
      // free GPUs before this plan, at t0
      int free = G;
      for (const auto& [bt, bv] : before.pts) {
        if (bt <= t0) free = bv;
      }
      CHECK(g <= free);
      if (g > 0) done += j.rate(g) * static_cast<double>(t1 - t0);
    }
    CHECK(done >= iters * (1 - 1e-9));
    for (const auto& [t, v] : p.timeline.pts)
      CHECK(v >= 0);
    tl = p.timeline;
  }
  CHECK(met >= 3);
}

TEST_CASE("tiresias-ef reproduces the artifact's dlas-gpu fig 8a run job by job",
          "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("tiresias-ef"));
  // final_result.csv: 0.28717948717948716 = 56/195.
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() ==
        Approx(56.0 / 195).epsilon(1e-12));
  const auto ref = artifact_jobs("dlas-gpu");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 195);
  const int same = same_start_and_end(ref, ours);
  CHECK(same == 195);
}

TEST_CASE("gandiva reproduces the artifact's fig 8a run job by job (finish times)",
          "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("gandiva"));
  // final_result.csv: 0.09230769230769231 = 18/195.
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() ==
        Approx(18.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["deadline_satisfaction"].get<double>() == Approx(18.0 / 195).epsilon(1e-12));
  const auto ref = artifact_jobs("gandiva");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 195);
  REQUIRE(ours.size() == 195);
  // The artifact's start_time is when a job joins a node set (it may be time-sliced out);
  // ours is when it first holds GPUs, so only finish times are compared.
  int same = 0;
  for (const auto& [id, t] : ref)
    same += ours.at(id).end == t.end;
  CHECK(same == 195);
}

TEST_CASE("themis lands in the artifact's range on fig 8a", "[elasticflow][fidelity]") {
  // The artifact's program has many optimal points; the research notes measured 0.2667
  // (bisection stand-in) and 0.3026 (cvxopt) for the same code, the paper plots 0.312.
  const double r =
      execute_run(fig8a("themis")).summary["deadline_satisfaction_artifact"].get<double>();
  CHECK(r >= 0.26);
  CHECK(r <= 0.31);
}

TEST_CASE("elastic placement packs small jobs by size class and gives big jobs whole nodes",
          "[elasticflow]") {
  test::TempDir dir;
  const Cluster c = read_cluster_spec(dir.write(
      "c.csv",
      "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,3,4,64,256\n"));
  Params p;
  auto scheme = placement_schemes().get("elastic").factory(c, p);
  ClusterState s = ClusterState::empty_of(c);
  Job j;
  // 2 GPUs: a fresh node (0); its 2 free GPUs file under class 2.
  CHECK(*scheme->place(j, 2, s) == NodeShares{{0, 2}});
  // 1 GPU: no class-1 node yet, so the larger class-2 node 0 takes it (1 free left: class 1).
  CHECK(*scheme->place(j, 1, s) == NodeShares{{0, 1}});
  CHECK(*scheme->place(j, 1, s) == NodeShares{{0, 1}});
  // 8 GPUs = two whole free nodes.
  CHECK(*scheme->place(j, 8, s) == NodeShares{{1, 4}, {2, 4}});
  CHECK_FALSE(scheme->place(j, 1, s).has_value());
}

TEST_CASE("fig 9: elasticflow-noac (artifact ef) within 0.02 at 64 GPUs",
          "[elasticflow][fidelity]") {
  CHECK(ratio_of(execute_run(generated("1000job_1500lam", "n8g8", "elasticflow-noac"))) ==
        Approx(artifact_ratio("fig9_n8g8", "ef")).margin(0.02));
}

// Known gap: at 128 and 256 GPUs elasticflow-noac is 0.15 and 0.04 above the artifact's reference
// run; a re-typed copy of the artifact's stored `ef` code gives our 0.846 at 128 GPUs, 1000/1000
// jobs identical (docs/elasticflow.md).
TEST_CASE("fig 9: elasticflow-noac within 0.02 at 128 and 256 GPUs",
          "[elasticflow][fidelity][!mayfail]") {
  for (const std::string spec : {"n16g8", "n32g8"}) {
    INFO(spec);
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "elasticflow-noac"))) ==
          Approx(artifact_ratio("fig9_" + spec, "ef")).margin(0.02));
  }
}
