// Placement schemes of the Tiresias simulator (yarn, random), the paper's skew-based
// consolidation (tiresias-skew) and the locality slowdown. Expected values are hand-computed from
// the rules documented in src/training/tiresias/placement.cpp (yarn: CPUs 2 for a 1-GPU job,
// else 6 per GPU; memory 5 GB single-node, (6 + 0.1 g + 5) GB per GPU across nodes).
#include <catch2/catch.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/pipeline.hpp"
#include "clustersim/training/placement.hpp"
#include "test_support.hpp"

using namespace clustersim;
using namespace clustersim::test;

namespace {

Cluster spec(const TempDir& dir, const std::string& row) {
  return read_cluster_spec(dir.write(
      "c.csv",
      "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n" + row + "\n"));
}

Job job_of(int gpus, const std::string& model = "resnet50") {
  Job j;
  j.gpus = gpus;
  j.model = model;
  return j;
}

std::unique_ptr<PlacementScheme> scheme(const std::string& name, const Cluster& c,
                                        const std::map<std::string, std::string>& settings = {}) {
  const auto& e = placement_schemes().get(name);
  return e.factory(c, declared_params(e.params, settings));
}

}  // namespace

TEST_CASE("yarn placement follows the simulator's GPU/CPU/memory rules", "[tiresias][placement]") {
  TempDir dir;
  const Cluster c = spec(dir, "1,2,4,40,256");  // n2g4
  auto yarn = scheme("yarn", c);
  REQUIRE(yarn->assigns_nodes());

  SECTION("small jobs: first node with room; CPUs 2 for 1 GPU, 6 per GPU otherwise; 5 GB") {
    ClusterState s = ClusterState::empty_of(c);
    auto a = yarn->place(job_of(1), 1, s);
    REQUIRE(a);
    CHECK(*a == NodeShares{{0, 1}});
    CHECK(s.free_cpus[0] == 38);
    CHECK(s.free_mem_gb[0] == Approx(251));
    auto b = yarn->place(job_of(2), 2, s);
    REQUIRE(b);
    CHECK(*b == NodeShares{{0, 2}});
    CHECK(s.free_cpus[0] == 26);
    auto d = yarn->place(job_of(2), 2, s);  // node 0 has 1 GPU left
    REQUIRE(d);
    CHECK(*d == NodeShares{{1, 2}});
    CHECK(s.total_free_gpus == 3);
  }
  SECTION("large jobs: whole free nodes, then one node for the rest") {
    ClusterState s = ClusterState::empty_of(c);
    auto a = yarn->place(job_of(6), 6, s);
    REQUIRE(a);
    CHECK(*a == NodeShares{{0, 4}, {1, 2}});
    CHECK(s.free_cpus[0] == 40 - 24);
    CHECK(s.free_cpus[1] == 40 - 12);
    CHECK(s.free_mem_gb[0] == Approx(256 - 11.6 * 4));
    CHECK(s.free_mem_gb[1] == Approx(256 - 11.6 * 2));
    ClusterState t = ClusterState::empty_of(c);
    REQUIRE(yarn->place(job_of(1), 1, t));
    CHECK_FALSE(yarn->place(job_of(8), 8, t));  // 7 GPUs free but only one whole free node
    CHECK(t.total_free_gpus == 7);              // unchanged on failure
  }
  SECTION("CPUs can be the binding resource") {
    TempDir d2;
    const Cluster small = spec(d2, "1,2,4,4,256");
    auto y = scheme("yarn", small);
    ClusterState s = ClusterState::empty_of(small);
    CHECK(*y->place(job_of(1), 1, s) == NodeShares{{0, 1}});
    CHECK(*y->place(job_of(1), 1, s) == NodeShares{{0, 1}});
    CHECK(*y->place(job_of(1), 1, s) == NodeShares{{1, 1}});  // node 0 has no 2 CPUs left
    CHECK_FALSE(y->place(job_of(2), 2, s));                   // needs 12 CPUs on one node
  }
  SECTION("all GPUs from one switch") {
    TempDir d2;
    const Cluster two = spec(d2, "2,1,4,40,256");
    auto y = scheme("yarn", two);
    ClusterState s = ClusterState::empty_of(two);
    CHECK_FALSE(y->place(job_of(8), 8, s));
    CHECK(*y->place(job_of(4), 4, s) == NodeShares{{0, 4}});
    CHECK(*y->place(job_of(3), 3, s) == NodeShares{{1, 3}});
  }
  SECTION("charge_extra charges kept placements like place() does, and gives them back") {
    ClusterState s = ClusterState::empty_of(c);
    take(s, NodeShares{{0, 4}, {1, 2}}, 6);
    yarn->charge_extra(job_of(6), NodeShares{{0, 4}, {1, 2}}, s, +1);
    CHECK(s.free_cpus[0] == 16);
    CHECK(s.free_mem_gb[1] == Approx(256 - 11.6 * 2));
    yarn->charge_extra(job_of(6), NodeShares{{0, 4}, {1, 2}}, s, -1);
    CHECK(s.free_cpus[0] == 40);
    CHECK(s.free_mem_gb[1] == Approx(256));
  }
}

TEST_CASE("random placement is valid and seeded", "[tiresias][placement]") {
  TempDir dir;
  const Cluster c = spec(dir, "2,4,4,40,256");
  auto run = [&](int seed) {
    auto r = scheme("random", c, {{"placement.seed", std::to_string(seed)}});
    ClusterState s = ClusterState::empty_of(c);
    std::vector<NodeShares> out;
    for (int g : {4, 2, 8, 1, 1}) {
      auto w = r->place(job_of(g), g, s);
      REQUIRE(w);
      int sum = 0;
      for (auto [n, k] : *w)
        sum += k;
      CHECK(sum == g);
      out.push_back(*w);
    }
    for (int f : s.free_gpus)
      CHECK(f >= 0);
    CHECK(s.total_free_gpus == 32 - 16);
    return out;
  };
  CHECK(run(1) == run(1));
  CHECK(run(1) != run(2));
}

TEST_CASE("tiresias-skew consolidates skewed models only", "[tiresias][placement]") {
  TempDir dir;
  const Cluster c = spec(dir, "1,2,4,40,256");
  // vgg19 on 2 PSs (round-robin): 442.5 MB and 104.6 MB -> skew 442.5 / 273.55 = 1.6176.
  auto with_limit = [&](const std::string& limit) {
    return scheme("tiresias-skew", c,
                  {{"placement.tensor_sizes", anchor("tiresias/model_tensor_sizes_mb.csv")},
                   {"placement.packlimit", limit}});
  };
  auto setup = [&] {  // node 0: 1 GPU free, node 1: 4 free
    ClusterState s = ClusterState::empty_of(c);
    take(s, NodeShares{{0, 3}}, 3);
    return s;
  };
  {
    auto sk = with_limit("1.6");  // 1.6176 > 1.6: consolidate
    ClusterState s = setup();
    CHECK(*sk->place(job_of(2, "vgg19"), 2, s) == NodeShares{{1, 2}});
  }
  {
    auto sk = with_limit("1.62");  // 1.6176 <= 1.62: may scatter (first fit)
    ClusterState s = setup();
    CHECK(*sk->place(job_of(2, "vgg19"), 2, s) == NodeShares{{0, 1}, {1, 1}});
  }
  CHECK_THROWS_AS(scheme("tiresias-skew", c), InputError);
}

TEST_CASE("locality slowdown makes spread placements slower", "[tiresias][placement]") {
  TempDir dir;
  const std::string cluster =
      dir.write("c.csv",
                "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                "1,2,4,40,256\n");
  const std::string trace = dir.write("t.csv",
                                      "job_id,num_gpu,submit_time,iterations,model_name,duration\n"
                                      "a,8,0,1,vgg19,100\n"
                                      "b,4,0,1,vgg19,100\n");
  auto jct = [&](const std::string& placement, const std::string& factor) {
    RunConfig cfg;
    cfg.inputs["cluster"] = cluster;
    cfg.inputs["trace"] = trace;
    cfg.policy = "fifo";
    cfg.params.set("placement", placement);
    cfg.params.set("locality.cross_node_factor", factor);
    auto rep = execute_run(cfg);
    return rep.summary["makespan_s"].get<double>();
  };
  // a spans 2 nodes: 100 s at rate 0.5 = 200 s; b (one node) then runs 100 s: makespan 300.
  CHECK(jct("yarn", "0.5") == Approx(300));
  CHECK(jct("yarn", "1") == Approx(200));
  CHECK(jct("count", "0.5") == Approx(200));  // count placements have no nodes: no slowdown
}

TEST_CASE("yarn memory-leak quirk stalls preemptive runs as the original does",
          "[tiresias][placement]") {
  // research/tiresias_muri.md §1.11.1: the original's `shortest` with `yarn` placement finished
  // only 23 of the 60 jobs (memory charged at every re-placement, returned only at completion).
  // The notes do not name the cluster; n15g4 is the only other spec in reference_runs/, and the
  // match there (8 and 16 GPUs stall at 12-13 jobs) is our evidence that the ledger is right.
  auto config = [](bool leak) {
    RunConfig cfg;
    cfg.inputs["cluster"] = anchor("tiresias/reference_runs/n15g4.csv");
    cfg.inputs["trace"] = anchor("tiresias/60_job.csv");
    cfg.policy = "srtf";
    cfg.params.set("placement", "yarn");
    cfg.params.set("placement.yarn_leak_memory", leak ? "true" : "false");
    return cfg;
  };
  auto finished = [&](bool leak) {
    RunConfig cfg = config(leak);
    cfg.params.set("engine.allow_unfinished", "true");
    return execute_run(cfg).summary["jobs_finished"].get<int>();
  };
  CHECK(finished(true) == 23);
  CHECK(finished(false) == 60);
  // Without engine.allow_unfinished the stall is an error naming the 60 - 23 waiting jobs.
  CHECK_THROWS_WITH(execute_run(config(true)),
                    Catch::Contains("37 of 60 jobs unfinished") && Catch::Contains("60_job.csv:"));
}
