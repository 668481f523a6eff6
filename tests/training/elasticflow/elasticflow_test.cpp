// Hand-checked behaviour of the ElasticFlow artifact's policies (pkusys/ElasticFlow @04a0109,
// unless ef.version says otherwise) on tiny traces, the planner and the elastic placement. The
// figure-level checks against the artifact's own runs are in elasticflow_fidelity_test.cpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "training/elasticflow/elasticflow_planner.hpp"
#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/training/placement.hpp"
#include "clustersim/core/pipeline.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "test_support.hpp"

using namespace clustersim;

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
  // uncached overhead 2 + 2*(log2 8 + 1) = 10 s, so it completes at 190 (its progress stops at
  // its planned real end, 150, and no scheduling point comes before its end event).
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
    "elasticflow ef.version=0d29ad9: an early completion is logged without the overhead paid "
    "since the last point",
    "[elasticflow]") {
  // a as in the golden test: 8 GPUs from t=0 (overhead 10 s), end event at 190. Before 04a0109
  // the leftover-GPU grant left a's planned real end at its 1-GPU plan's (about 1000), so nothing
  // caps its progress: its work is done at 160. b arrives at 170, so a point comes before a's
  // end event and a completes there. The artifact (jobs.run_all_jobs) logs previous point +
  // ceil(600 / 4) = 150, leaving out the 10 s overhead; ef.early_finish=exact keeps it: 160.
  const std::string rows = "a,0,600,m,1000,8,1,600\nb,170,60,m,5000,8,1,60\n";
  Tiny t1, t2;
  auto art_cfg = t1.config("elasticflow", rows);
  art_cfg.params.set("ef.version", "0d29ad9");
  const auto art = execute_run(art_cfg);
  auto cfg = t2.config("elasticflow", rows);
  cfg.params.set("ef.version", "0d29ad9");
  cfg.params.set("ef.early_finish", "exact");
  const auto exact = execute_run(cfg);
  CHECK(test::job_rows(art)[0].finish == seconds(150));
  CHECK(test::job_rows(exact)[0].finish == seconds(160));
  // Only the record differs: both complete at the point at 170, and b's schedule is the same.
  CHECK(test::job_rows(art)[1].first_start == test::job_rows(exact)[1].first_start);
  CHECK(test::job_rows(art)[1].finish == test::job_rows(exact)[1].finish);
}

TEST_CASE("elasticflow (04a0109): a leftover-GPU grant also moves the planned real end",
          "[elasticflow]") {
  // The same trace. The grants to 8 GPUs at t=0 move a's real end to 150, where its progress
  // stops: 150 - 10 s overhead = 140 s x 4 it/s = 560 it, 40 left at the point at 170. There a
  // (ddl 1000) and b (ddl 5000) are replanned on 8 GPUs: each 1 GPU (a: 40 s, b: 60 s, both end
  // events at 230 on the 60-s grid from 170), and the leftover 6 GPUs go one level at a time by
  // marginal GPU-time, every candidate scoring (2x - x) * 60 s / x = 60, ties to a (earlier
  // deadline): a 1 -> 2 -> 4, then a -> 8 does not fit, b 1 -> 2 -> 4. a's ranks move from
  // (0, 8 GPUs) to (0, 4 GPUs), uncached: 2 + 2*(log2 4 + 1) = 8 s, so a's end event is
  // 230 + 8 = 238, where it completes (its work, capped at its new real end 184, is not done).
  Tiny t;
  const auto rep =
      execute_run(t.config("elasticflow", "a,0,600,m,1000,8,1,600\nb,170,60,m,5000,8,1,60\n"));
  CHECK(test::job_rows(rep)[0].finish == seconds(238));
}

TEST_CASE("elasticflow: ef.version takes 04a0109 or 0d29ad9", "[elasticflow]") {
  Tiny t;
  auto cfg = t.config("elasticflow", "a,0,600,m,1000,8,1,600\n");
  cfg.params.set("ef.version", "4757e42");
  CHECK(test::error_of([&] { execute_run(cfg); }) ==
        "parameter ef.version: '4757e42' is not one of: 04a0109, 0d29ad9");
}

TEST_CASE("edf: a lone event is handled at its own time, two are coalesced a slot apart",
          "[elasticflow]") {
  // The artifact moves its next event to one slot after the current point only when its event
  // list holds at least two events. a and b arrive at 0; a (earlier deadline) takes all 8 GPUs
  // and ends at ceil(100 / 4) = 25; b has not started, so it has no end event.
  Tiny t1, t2;
  const std::string ab = "a,0,100,m,500,8,1,100\nb,0,100,m,900,8,1,100\n";
  // a's end is the only event: the next point is at 25, and b runs 25..50.
  const auto lone = execute_run(t1.config("edf", ab));
  CHECK(test::job_rows(lone)[0].finish == seconds(25));
  CHECK(test::job_rows(lone)[1].first_start == seconds(25));
  CHECK(test::job_rows(lone)[1].finish == seconds(50));
  // c arriving at 40 is a second event: both are merged at 0 + 60, where b starts (ends 85).
  const auto two = execute_run(t2.config("edf", ab + "c,40,100,m,5000,8,1,100\n"));
  CHECK(test::job_rows(two)[0].finish == seconds(25));
  CHECK(test::job_rows(two)[1].first_start == seconds(60));
  CHECK(test::job_rows(two)[1].finish == seconds(85));
}

TEST_CASE("edf-ac logs a job as started when an earlier arrival's plan of the point gave it GPUs",
          "[elasticflow]") {
  // x and y arrive at 0, in that order, and are admitted one at a time. x's own plan gives it the
  // whole node, so it starts (the artifact's start_time 0); y's plan (earlier deadline) takes the
  // GPUs back: y runs 0..25 and pays the uncached overhead 2 + 2*(log2 8 + 1) = 10 s (end 35);
  // x waits with its end event at 60 + 250 = 310. The next point is at 60 (two events); x runs
  // from there on y's ranks (cached, 2 s): it ends at 312.
  Tiny t;
  const auto rep =
      execute_run(t.config("edf-ac", "x,0,1000,m,5000,8,1,1000\ny,0,100,m,1000,8,1,100\n"));
  const auto x = test::job_rows(rep)[0];
  CHECK(test::job_rows(rep)[1].finish == seconds(35));
  CHECK(x.first_start == seconds(60));
  CHECK(x.finish == seconds(312));
  CHECK(rep.file("jobs.csv").find("ef_start_s") != std::string::npos);
  CHECK(rep.file("jobs.csv").find("\nx,") != std::string::npos);
  // jobs.csv: x's row ends with its logged start, 0.
  const auto row = rep.file("jobs.csv").substr(rep.file("jobs.csv").find("\nx,") + 1);
  CHECK(row.substr(0, row.find('\n')).ends_with(",0"));
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

TEST_CASE("elasticflow trace: the artifact's column synonyms, and which name wins",
          "[elasticflow]") {
  test::TempDir dir;
  // The ITP cluster traces' names (04a0109's jobs.py): submission_time, num_iteration, deadline.
  const auto itp = read_trace(
      dir.write("itp.csv",
                "job_id,submission_time,num_iteration,model_name,deadline,batch_size,num_gpu,"
                "duration\nj,5,70,m,99,8,1,70\n"),
      "auto");
  REQUIRE(itp.jobs.size() == 1);
  CHECK(itp.jobs[0].submit == seconds(5));
  CHECK(itp.jobs[0].iterations == 70);
  CHECK(*itp.jobs[0].deadline == seconds(99));
  // With both names, jobs.py keeps iteration, and overwrites submit_time with submission_time
  // and ddl with deadline.
  const auto both = read_trace(
      dir.write("both.csv",
                "job_id,submit_time,submission_time,iteration,num_iteration,model_name,ddl,"
                "deadline,batch_size,num_gpu,duration\nj,1,2,30,40,m,50,60,8,1,30\n"),
      "elasticflow");
  CHECK(both.jobs[0].submit == seconds(2));
  CHECK(both.jobs[0].iterations == 30);
  CHECK(*both.jobs[0].deadline == seconds(60));
}
