// Invariants every registered training policy must keep, on the synthetic scenario of
// synthetic_scenario.hpp (iterated over the registry, so new policies are covered
// automatically). The policy is wrapped so each of its decisions is checked at every scheduling
// point, independently of the engine's own checks:
//   * GPUs are never over-allocated: before the decision the engine's free counts are >= 0 and
//     add up with the running jobs to the cluster size; the decision itself asks for at most the
//     cluster's GPUs in total and at most each node's GPUs on any node it names;
//   * progress never goes negative or backwards, and never exceeds the job's work;
//   * every job finishes exactly once (on_finish once, finish >= submit), or is rejected;
//   * a finished job's JCT is at least its exclusive run time at the fastest allocation it could
//     ever get (work / max over levels of rate), so elastic policies are covered too.
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/training/engine.hpp"
#include "clustersim/training/family.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "synthetic_scenario.hpp"

using namespace clustersim;
using namespace clustersim::test;

namespace {

class CheckingPolicy final : public TrainingPolicy {
 public:
  CheckingPolicy(std::unique_ptr<TrainingPolicy> inner, std::size_t jobs)
      : inner_(std::move(inner)), finished_(jobs, 0), last_done_(jobs, 0.0) {}

  EngineNeeds engine_needs() const override { return inner_->engine_needs(); }

  Decision schedule(const SchedulingContext& ctx) override {
    const Cluster& c = ctx.cluster();
    const ClusterState& s = ctx.cluster_state();
    // Members of a shared-GPU group (Muri) hold one set of GPUs between them.
    int running_gpus = 0;
    std::set<int> groups_seen;
    for (int i : ctx.active()) {
      const auto& r = ctx.state(i);
      // Borrowed GPUs (AntMan's opportunistic jobs) are not held.
      if (r.status == JobStatus::kRunning && !r.borrowed &&
          (r.group < 0 || groups_seen.insert(r.group).second))
        running_gpus += r.gpus;
      if (r.work_done < -1e-9) fail(ctx, fmt::format("job {} has negative progress", i));
      if (r.work_done < last_done_[i] - 1e-9)
        fail(ctx, fmt::format("job {} progress went backwards", i));
      if (r.work_done > r.work_total + 1e-6)
        fail(ctx, fmt::format("job {} did more than its work", i));
      last_done_[i] = r.work_done;
    }
    if (s.total_free_gpus < 0) fail(ctx, "negative free GPUs");
    for (int f : s.free_gpus) {
      if (f < 0) fail(ctx, "a node has negative free GPUs");
    }
    if (running_gpus + s.total_free_gpus != c.total_gpus())
      fail(ctx, "running + free != cluster GPUs");

    Decision d = inner_->schedule(ctx);
    int asked = 0;
    std::map<int, int> per_node;
    std::set<int> groups_asked;
    for (const auto& a : d.run) {
      if (a.borrowed || (a.group >= 0 && !groups_asked.insert(a.group).second)) continue;
      asked += a.gpus;
      for (auto [node, g] : a.nodes)
        per_node[node] += g;
    }
    if (asked > c.total_gpus())
      fail(ctx, fmt::format("decision asks {} GPUs of {}", asked, c.total_gpus()));
    for (auto [node, g] : per_node) {
      if (node < 0 || node >= static_cast<int>(c.nodes().size()) || g > c.nodes()[node].gpus) {
        fail(ctx, fmt::format("decision over-allocates node {} ({} GPUs)", node, g));
      }
    }
    ++points_;
    return d;
  }
  void on_finish(const SchedulingContext& ctx, int job) override {
    ++finished_[job];
    inner_->on_finish(ctx, job);
  }

  std::vector<std::string> violations;
  std::vector<int> finished_;
  std::size_t points_ = 0;

 private:
  std::unique_ptr<TrainingPolicy> inner_;
  std::vector<double> last_done_;
  void fail(const SchedulingContext& ctx, const std::string& what) {
    if (violations.size() < 10)
      violations.push_back(fmt::format("t={}s: {}", to_seconds(ctx.now()), what));
  }
};

}  // namespace

TEST_CASE("every registered policy keeps the engine invariants", "[policy][invariants]") {
  const std::string name = GENERATE(from_range(training_policies().names()));
  INFO("policy " << name);
  TempDir dir;
  const auto sc = write_synthetic_scenario(dir);
  RunConfig cfg;
  cfg.policy = name;
  cfg.inputs = {{"cluster", sc.cluster}, {"trace", sc.trace}, {"trace_format", "auto"}};
  Params params;
  params.declare(training_params(), "training engine");
  for (const auto& spec : training_policies().get(name).params) {  // inputs some policies need
    if (spec.key == "tiresias.gittins_file")
      params.set(spec.key, anchor("tiresias/yarn-gput1000.csv"));
  }
  nlohmann::json record;
  TrainingSetup setup = prepare_training(cfg, params, record);
  const Cluster& cluster = *setup.cluster;
  const Trace& trace = *setup.trace;
  const auto& tp = setup.throughput;
  CheckingPolicy policy(std::move(setup.policy), trace.jobs.size());
  TrainingEngine engine(cluster, trace, *tp, *setup.placement, *setup.overhead, policy,
                        setup.engine);
  RunResult res;
  REQUIRE_NOTHROW(res = engine.run());

  for (const auto& v : policy.violations)
    FAIL_CHECK(v);
  CHECK(policy.points_ > 0);
  for (const auto& sample : res.samples) {
    CHECK(sample.busy_gpus >= 0);
    CHECK(sample.busy_gpus <= cluster.total_gpus());
  }
  int finished = 0;
  for (const auto& j : trace.jobs) {
    INFO("job " << j.id);
    const auto& r = res.jobs[j.index];
    if (r.status == JobStatus::kRejected) {
      CHECK(policy.finished_[j.index] == 0);
      continue;
    }
    REQUIRE(r.status == JobStatus::kFinished);
    CHECK(policy.finished_[j.index] == 1);
    ++finished;
    CHECK(r.finish >= j.submit);
    CHECK(r.first_start >= j.submit);
    CHECK(r.work_done == Approx(r.work_total));
    double best_rate = 0;
    for (int g : tp->levels(j))
      best_rate = std::max(best_rate, tp->rate(j, g, {}));
    REQUIRE(best_rate > 0);
    const double exclusive_s = tp->work(j) / best_rate;
    CHECK(to_seconds(r.finish - j.submit) >= exclusive_s - 1e-6);
    CHECK(r.run_time >= 0);
    CHECK(r.pending_time >= 0);
  }
  CHECK(finished > 0);
}
