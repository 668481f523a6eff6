// Engine semantics on hand-computed scenarios, driven by small scripted policies.
#include <cmath>
#include <functional>

#include <catch2/catch.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/training/engine.hpp"
#include "clustersim/training/iteration_clock.hpp"
#include "test_support.hpp"

using namespace clustersim;

namespace {

Cluster one_node(int gpus) {
  Node n;
  n.gpus = gpus;
  n.cpus = 8;
  n.mem_gb = 64;
  return Cluster("test", {Switch{}}, {n});
}

Job make_job(int index, double submit_s, int gpus, double duration_s) {
  Job j;
  j.index = index;
  j.id = std::to_string(index);
  j.submit = from_seconds(submit_s);
  j.model = "m";
  j.gpus = gpus;
  j.duration_s = duration_s;
  return j;
}

class Scripted final : public TrainingPolicy {
 public:
  std::function<Decision(const SchedulingContext&)> fn;
  std::vector<SimTime> points;
  Decision schedule(const SchedulingContext& ctx) override {
    points.push_back(ctx.now());
    return fn(ctx);
  }
};

struct Fixture {
  Cluster cluster = one_node(4);
  Trace trace;
  std::unique_ptr<ThroughputModel> tp = make_duration_throughput(4);
  std::unique_ptr<PlacementScheme> placement =
      placement_schemes().get("count").factory(cluster, Params{});
  std::unique_ptr<OverheadModel> overhead;
  Scripted policy;
  EngineConfig config;

  explicit Fixture(const std::string& overhead_model = "none", double overhead_s = 0) {
    const auto& e = overhead_models().get(overhead_model);
    const std::map<std::string, std::string> settings =
        overhead_model == "constant"
            ? std::map<std::string, std::string>{{"overhead.seconds", std::to_string(overhead_s)}}
            : std::map<std::string, std::string>{};
    overhead = e.factory(test::declared_params(e.params, settings));
  }
  /// The run uses the iteration clock with these settings.
  void use_clock(bool merge_end_near_arrival = false, bool earliest_end_only = false) {
    const auto& e = progress_models().get("iteration-clock");
    const Params p = test::declared_params(
        e.params, {{"progress.merge_end_near_arrival", merge_end_near_arrival ? "true" : "false"},
                   {"progress.earliest_end_only", earliest_end_only ? "true" : "false"}});
    config.make_progress = [make = e.factory.make, p](ProgressHost& host) { return make(host, p); };
  }
  RunResult run() {
    TrainingEngine e(cluster, trace, *tp, *placement, *overhead, policy, config);
    return e.run();
  }
};

}  // namespace

TEST_CASE("a job alone on its requested GPUs finishes after its duration", "[engine]") {
  Fixture f;
  f.trace.jobs = {make_job(0, 5, 2, 100)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 2, {}});
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[0].first_start == seconds(5));
  CHECK(r.jobs[0].finish == seconds(105));
  CHECK(r.jobs[0].gpu_time_s == Approx(200));
  CHECK(r.jobs[0].status == JobStatus::kFinished);
}

TEST_CASE("progress is banked when the allocation changes", "[engine]") {
  // Job of 100 exclusive seconds on 2 GPUs. It runs on 1 GPU (rate 1/2) from t=0 to t=40,
  // banking 20, then on 2 GPUs (rate 1): 80 left, so it finishes at 40 + 80 = 120.
  // With a constant 10 s overhead on every start and resize: progress on 1 GPU only from 10
  // to 40 (15 banked), then the resize pauses it until 50: 85 left, finish at 135.
  auto overhead_s = GENERATE(0.0, 10.0);
  Fixture f(overhead_s > 0 ? "constant" : "none", overhead_s);
  f.trace.jobs = {make_job(0, 0, 2, 100)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    if (ctx.active().empty()) return d;
    if (ctx.now() < seconds(40)) {
      d.run.push_back({0, 1, {}});
      d.wake_at = seconds(40);
    } else {
      d.run.push_back({0, 2, {}});
    }
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[0].finish == seconds(overhead_s > 0 ? 135 : 120));
  CHECK(r.jobs[0].resizes == 1);
  CHECK(r.jobs[0].preemptions == 0);
}

TEST_CASE("a preempted job resumes where it stopped", "[engine]") {
  // Job 0 (100 s, 4 GPUs) starts at 0; job 1 (30 s, 4 GPUs) arrives at 50 and preempts it.
  // Job 1 runs 50..80; job 0 resumes at 80 with 50 s left and finishes at 130.
  Fixture f;
  f.trace.jobs = {make_job(0, 0, 4, 100), make_job(1, 50, 4, 30)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    int pick = -1;
    for (int i : ctx.active())
      pick = i;  // newest first
    if (pick >= 0) d.run.push_back({pick, 4, {}});
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[1].finish == seconds(80));
  CHECK(r.jobs[0].finish == seconds(130));
  CHECK(r.jobs[0].preemptions == 1);
  CHECK(r.jobs[0].resumes == 1);
  CHECK(r.jobs[0].pending_time == seconds(30));
  CHECK(r.jobs[0].run_time == seconds(100));
}

TEST_CASE("events at one instant give one scheduling point", "[engine]") {
  // Three arrivals at t=10 and the completion of job 0 (submitted at 0, 10 s long) at t=10.
  Fixture f;
  f.trace.jobs = {make_job(0, 0, 1, 10), make_job(1, 10, 1, 5), make_job(2, 10, 1, 5),
                  make_job(3, 10, 1, 5)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 1, {}});
    return d;
  };
  auto r = f.run();
  CHECK(f.policy.points == std::vector<SimTime>{0, seconds(10), seconds(15)});
}

TEST_CASE("min_interval coalesces events into the next allowed point", "[engine]") {
  // Arrivals at 0, 10 and 20 with a 60 s minimum spacing: points at 0 and 60 (both later
  // arrivals handled together). All jobs are 100 s long on 1 GPU: job 0 ends at 100, but the
  // next point may not come before 60 + 60 = 120; jobs 1 and 2 (started at 60) end at 160 and
  // the point moves to 120 + 60 = 180. Completions themselves are not delayed.
  Fixture f;
  f.config.min_interval = seconds(60);
  f.trace.jobs = {make_job(0, 0, 1, 100), make_job(1, 10, 1, 100), make_job(2, 20, 1, 100)};
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 1, {}});
    if (ctx.now() == seconds(60)) CHECK(ctx.arrivals() == std::vector<int>{1, 2});
    return d;
  };
  auto r = f.run();
  CHECK(f.policy.points == std::vector<SimTime>{0, seconds(60), seconds(120), seconds(180)});
  CHECK(r.jobs[0].finish == seconds(100));
  CHECK(r.jobs[2].finish == seconds(160));
}

TEST_CASE("unspaced_at exempts a point due exactly then from min_interval", "[engine]") {
  // Spacing 60 s. Job 0 (0..30) and job 1 (arrives at 40) on 1 GPU each. The decision at 0 names
  // 40: the arrival's point comes at 40, not at 60. The decision at 40 names 90 while job 1 ends
  // at 40 + 30 = 70: that completion's point is spaced to 40 + 60 = 100 as usual.
  Fixture f;
  f.config.min_interval = seconds(60);
  f.trace.jobs = {make_job(0, 0, 1, 30), make_job(1, 40, 1, 30)};
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 1, {}});
    d.unspaced_at = ctx.now() == 0 ? seconds(40) : seconds(90);
    return d;
  };
  auto r = f.run();
  CHECK(f.policy.points == std::vector<SimTime>{0, seconds(40), seconds(100)});
  CHECK(r.jobs[0].finish == seconds(30));
  CHECK(r.jobs[1].finish == seconds(70));
}

TEST_CASE("periodic slots add scheduling points while jobs are live", "[engine]") {
  // One 150 s job from t=0 with a 60 s slot: points at 0, 60, 120 and at its completion, 150.
  Fixture f;
  f.config.slot = seconds(60);
  f.trace.jobs = {make_job(0, 0, 1, 150)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 1, {}});
    return d;
  };
  f.run();
  CHECK(f.policy.points == std::vector<SimTime>{0, seconds(60), seconds(120), seconds(150)});
}

TEST_CASE("the engine rejects decisions that over-allocate GPUs", "[engine]") {
  Fixture f;
  f.trace.jobs = {make_job(0, 0, 4, 10), make_job(1, 0, 4, 10)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active())
      d.run.push_back({i, 4, {}});
    return d;
  };
  CHECK_THROWS_AS(f.run(), InvariantError);
}

TEST_CASE("rejected jobs never run", "[engine]") {
  Fixture f;
  f.trace.jobs = {make_job(0, 0, 1, 10), make_job(1, 0, 1, 10)};
  f.policy.fn = [](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active()) {
      if (ctx.state(i).status == JobStatus::kPending && i == 1)
        d.reject.push_back(i);
      else
        d.run.push_back({i, 1, {}});
    }
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[1].status == JobStatus::kRejected);
  CHECK(r.jobs[1].first_start == -1);
  CHECK(r.jobs[0].finish == seconds(10));
}

TEST_CASE("the iteration clock keeps Muri's exact float times", "[engine]") {
  // Muri's simulator works in double seconds: a job ends at exactly now + iterations x
  // iteration time, and the next job starts at that instant. Job 0 (1 iteration of 1/3 s) ends
  // at 1/3 s (recorded as the next µs, 333,334); job 1 then starts at exactly 1/3 and ends at
  // 1/3 + 1/3 = 0.6666...6 s, recorded as 666,667 µs (starting at the rounded 333,334 µs would
  // give 666,668). Job 2 arrives at 666,667 µs, in the same µs as that end: as in Muri's event
  // loop the arrival's time is the point's time, so job 2 ends at 0.666667 + 1/3 s (recorded
  // 1,000,001 µs; from 0.6666...6 it would be 1,000,000).
  Fixture f;
  f.use_clock();
  f.trace.jobs = {make_job(0, 0, 4, 1), make_job(1, 0, 4, 1), make_job(2, 0.666667, 4, 1)};
  for (auto& j : f.trace.jobs)
    j.iterations = 1;
  const double third = 1.0 / 3;
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    if (ctx.active().empty()) return d;
    Assignment a{ctx.active().front(), 4, {}};
    plan_for<IterationClockPlan>(d).set(a.job, third, 0);
    d.run.push_back(a);
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[0].finish == 333'334);
  CHECK(r.jobs[1].finish == 666'667);
  CHECK(r.jobs[2].finish == 1'000'001);
}

TEST_CASE("the iteration clock updates progress with Muri's expressions", "[engine]") {
  // Job 0: 3 iterations of 0.3 s with a 0.1 s per-point overhead, alone from t = 0; job 1
  // arrives at 0.5 s and waits. At 0.5 Muri computes remaining = 3 - max(0.5 - 0 - 0.1, 0) / 0.3
  // and executed = 0 + 0.5 - 0, in double; the end is then 0.5 + remaining x 0.3.
  Fixture f;
  f.use_clock();
  f.trace.jobs = {make_job(0, 0, 4, 0.9), make_job(1, 0.5, 4, 0.3)};
  f.trace.jobs[0].iterations = 3;
  f.trace.jobs[1].iterations = 1;
  double left_at_half = -1, run_at_half = -1;
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    if (ctx.active().empty()) return d;
    if (ctx.now() == from_seconds(0.5)) {
      left_at_half = clock_job(ctx, 0).iterations_left;
      run_at_half = clock_job(ctx, 0).run_s;
    }
    Assignment a{ctx.active().front(), 4, {}};
    plan_for<IterationClockPlan>(d).set(a.job, 0.3, 0.1);
    d.run.push_back(a);
    return d;
  };
  auto r = f.run();
  const double left = 3 - std::max(0.5 - 0 - 0.1, 0.0) / 0.3;
  CHECK(left_at_half == left);
  CHECK(run_at_half == 0.5);
  CHECK(r.jobs[0].finish == ceil_seconds(0.5 + left * 0.3));
  CHECK(r.jobs[1].finish == ceil_seconds(0.5 + left * 0.3 + 0.3));
}

TEST_CASE("the iteration clock merges ends as Muri's event lists do", "[engine]") {
  // Muri lists a job's end in the first listed end within 1e-9 relative (math.isclose), so job 1
  // (1e6 + 0.0005 s) ends with job 0 at exactly 1e6 s. With merge_end_near_arrival an end within
  // 1e-4 s of the next arrival happens at the arrival: job 2 (1e6 + 999,999.99995 s, alone from
  // 1e6) ends when job 3 arrives at 2e6 s.
  auto merge = GENERATE(false, true);
  Fixture f;
  f.cluster = one_node(8);
  f.use_clock(merge, false);
  f.trace.jobs = {make_job(0, 0, 4, 1), make_job(1, 0, 4, 1), make_job(2, 0, 4, 1),
                  make_job(3, 2e6, 4, 1)};
  const double it[] = {1e6, 1e6 + 0.0005, 999'999.99995, 1};
  for (auto& j : f.trace.jobs)
    j.iterations = 1;
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active()) {
      if (d.run.size() == 2) break;
      Assignment a{i, 4, {}};
      plan_for<IterationClockPlan>(d).set(a.job, it[i], 0);
      d.run.push_back(a);
    }
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[0].finish == seconds(1'000'000));
  CHECK(r.jobs[1].finish == seconds(1'000'000));
  CHECK(r.jobs[2].finish == (merge ? seconds(2'000'000) : seconds(2'000'000) - 50));
}

TEST_CASE("earliest_end_only: an end a bit later than the earliest is re-predicted", "[engine]") {
  // Two 1-iteration jobs start at 0 with a 5 s per-point overhead; job 1's iteration is one ulp
  // longer than job 0's 1000 s. Muri's dlas loop ends only job 0 at 1000 s; job 1 is charged
  // there: left = 1 - max(1000 - 0 - 5, 0) / it1, end = 1000 + left x it1 = 1005 s (+ 1 ulp,
  // which rounds down to the µs). Listing every end merges job 1 into job 0's (isclose).
  auto earliest = GENERATE(false, true);
  Fixture f;
  f.cluster = one_node(8);
  f.use_clock(false, earliest);
  f.trace.jobs = {make_job(0, 0, 4, 1), make_job(1, 0, 4, 1)};
  const double it[] = {1000, std::nextafter(1000.0, 2000.0)};
  for (auto& j : f.trace.jobs)
    j.iterations = 1;
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    for (int i : ctx.active()) {
      Assignment a{i, 4, {}};
      plan_for<IterationClockPlan>(d).set(a.job, it[i], 5);
      d.run.push_back(a);
    }
    return d;
  };
  auto r = f.run();
  CHECK(r.jobs[0].finish == seconds(1000));
  CHECK(r.jobs[1].finish == seconds(earliest ? 1005 : 1000));
}

TEST_CASE("an exact wake-up may fall in the current microsecond and sets the clock", "[engine]") {
  // One job of 10 iterations of 1 s, no overhead. The policy asks for a wake-up at 2.5 s, then
  // at 2.5 s + 1e-12 (same µs), then none. The points' exact times are 0, 2.5, 2.5 + 1e-12,
  // and the job (banked at each) ends at exactly 10 s.
  Fixture f;
  f.use_clock(false, true);
  f.trace.jobs = {make_job(0, 0, 4, 10)};
  f.trace.jobs[0].iterations = 10;
  std::vector<double> clocks;
  const double second = 2.5 + 1e-12;
  f.policy.fn = [&](const SchedulingContext& ctx) {
    Decision d;
    if (ctx.active().empty()) return d;
    clocks.push_back(ctx.clock_s());
    Assignment a{0, 4, {}};
    plan_for<IterationClockPlan>(d).set(a.job, 1, 0);
    d.run.push_back(a);
    if (clocks.size() == 1) plan_for<IterationClockPlan>(d).wake_at_s = 2.5;
    if (clocks.size() == 2) plan_for<IterationClockPlan>(d).wake_at_s = second;
    d.wake_replaces_previous = true;
    return d;
  };
  auto r = f.run();
  REQUIRE(clocks.size() == 3);
  CHECK(clocks[1] == 2.5);
  CHECK(clocks[2] == second);
  CHECK(f.policy.points[1] == f.policy.points[2]);
  CHECK(r.jobs[0].finish == seconds(10));
}
