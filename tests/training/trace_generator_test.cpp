// `trace generate`: determinism, independent streams per attribute, the distributions of the
// presets, and the ElasticFlow preset against the artifact's own generated trace.
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/training/throughput.hpp"
#include "clustersim/training/trace_generator.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "test_support.hpp"

using namespace clustersim;
using clustersim::test::TempDir;

namespace {
TraceGeneratorSettings small(int jobs = 500) {
  auto s = TraceGeneratorSettings::preset_named("demo");
  s.jobs = jobs;
  return s;
}
// Binomial share within 5 standard deviations.
void check_share(int hits, int n, double p) {
  INFO("hits " << hits << " of " << n << ", expected share " << p);
  CHECK(std::fabs(hits - n * p) <= 5 * std::sqrt(n * p * (1 - p)) + 1);
}
}  // namespace

TEST_CASE("generated traces are deterministic and round-trip through the CSV",
          "[trace][generator]") {
  TempDir dir;
  auto s = small();
  write_trace_csv(generate_trace(s), dir.file("a.csv"));
  write_trace_csv(generate_trace(s), dir.file("b.csv"));
  CHECK(test::slurp(dir.file("a.csv")) == test::slurp(dir.file("b.csv")));
  s.seed = 2;
  write_trace_csv(generate_trace(s), dir.file("c.csv"));
  CHECK(test::slurp(dir.file("a.csv")) != test::slurp(dir.file("c.csv")));

  // Read back: the reader's view equals the generator's.
  s.seed = 1;
  auto t = generate_trace(s);
  auto back = read_trace(dir.file("a.csv"));
  REQUIRE(back.jobs.size() == t.jobs.size());
  for (std::size_t i = 0; i < t.jobs.size(); ++i) {
    CHECK(back.jobs[i].submit == t.jobs[i].submit);
    CHECK(back.jobs[i].deadline == t.jobs[i].deadline);
    CHECK(back.jobs[i].duration_s == t.jobs[i].duration_s);
    CHECK(back.jobs[i].gpus == t.jobs[i].gpus);
  }
}

TEST_CASE("each attribute has its own stream", "[trace][generator]") {
  auto base = small();
  base.integer_seconds = false;
  const auto a = generate_trace(base);

  auto other_gpus = base;
  other_gpus.gpus = parse_gpu_mix("1:1,16:3", "test");
  other_gpus.max_gpus = 0;
  const auto b = generate_trace(other_gpus);
  auto other_duration = base;
  other_duration.duration = "exp:100";
  const auto c = generate_trace(other_duration);
  auto other_run = base;
  other_run.run = 1;
  const auto d = generate_trace(other_run);

  int gpus_differ = 0, durations_differ = 0, run_differs = 0;
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    // A new GPU mix keeps arrivals, models, durations, deadlines and best-effort flags.
    CHECK(b.jobs[i].submit == a.jobs[i].submit);
    CHECK(b.jobs[i].model == a.jobs[i].model);
    CHECK(b.jobs[i].duration_s == a.jobs[i].duration_s);
    CHECK(b.jobs[i].deadline == a.jobs[i].deadline);
    CHECK(b.jobs[i].best_effort == a.jobs[i].best_effort);
    gpus_differ += b.jobs[i].gpus != a.jobs[i].gpus;
    // A new duration distribution keeps arrivals, models and GPU counts.
    CHECK(c.jobs[i].submit == a.jobs[i].submit);
    CHECK(c.jobs[i].model == a.jobs[i].model);
    CHECK(c.jobs[i].gpus == a.jobs[i].gpus);
    CHECK(c.jobs[i].best_effort == a.jobs[i].best_effort);
    durations_differ += c.jobs[i].duration_s != a.jobs[i].duration_s;
    run_differs += d.jobs[i].submit != a.jobs[i].submit;
  }
  // The documented streams: trace.gpus and trace.model draw one weighted index per job.
  RngStream gpu_rng(base.seed, base.run, "trace.gpus"),
      model_rng(base.seed, base.run, "trace.model");
  std::vector<double> gw, mw;
  for (auto& g : base.gpus)
    gw.push_back(g.second);
  for (auto& m : base.models)
    mw.push_back(m.weight);
  for (const auto& j : a.jobs) {
    CHECK(j.gpus == base.gpus[gpu_rng.weighted_index(gw)].first);
    CHECK(j.model == base.models[model_rng.weighted_index(mw)].model);
  }
  CHECK(gpus_differ > 100);
  CHECK(durations_differ == static_cast<int>(a.jobs.size()));
  CHECK(run_differs > 400);  // another run index is an independent replication
}

TEST_CASE("deadline factor, fixed factor, best-effort share and arrivals", "[trace][generator]") {
  auto s = small(4000);
  s.integer_seconds = false;
  s.deadline_lo = 2;
  s.deadline_hi = 2;
  s.best_effort_share = 0.25;
  s.mean_interarrival_s = 100;
  const auto t = generate_trace(s);
  int be = 0;
  for (const auto& j : t.jobs) {
    if (j.best_effort) {
      ++be;
      CHECK_FALSE(j.deadline);
      continue;
    }
    REQUIRE(j.deadline);
    // deadline = submit + 2 x duration, each rounded to the microsecond.
    CHECK(std::llabs(*j.deadline - j.submit - from_seconds(2 * *j.duration_s)) <= 2);
  }
  check_share(be, 4000, 0.25);
  CHECK(t.jobs.front().submit == 0);
  // Mean gap of 3999 exponential gaps with mean 100 s: standard error 100/sqrt(3999) = 1.6 s.
  const double mean_gap = to_seconds(t.jobs.back().submit) / 3999;
  CHECK(mean_gap == Approx(100).margin(8));
}

TEST_CASE("demo preset: 1-8 GPU jobs with the advertised shares", "[trace][generator]") {
  const auto t = generate_trace(small(20000));
  std::map<int, int> gpus;
  for (const auto& j : t.jobs)
    ++gpus[j.gpus];
  CHECK(gpus.size() == 4);
  check_share(gpus[1], 20000, 0.60);
  check_share(gpus[2], 20000, 0.15);
  check_share(gpus[4], 20000, 0.15);
  check_share(gpus[8], 20000, 0.10);
}

TEST_CASE("elasticflow preset follows generate_trace.py's distributions",
          "[trace][generator][elasticflow]") {
  auto s = TraceGeneratorSettings::preset_named("elasticflow");
  s.jobs = 20000;
  const auto t = generate_trace(s);
  std::map<int, int> gpus;
  std::set<std::pair<std::string, int>> models;
  int long_jobs = 0;
  for (const auto& j : t.jobs) {
    ++gpus[j.gpus];
    models.emplace(j.model, j.batch_size);
    // 60·10^U(1, 2.5) or 60·10^U(2.5, 4) seconds, truncated to integers.
    CHECK(*j.duration_s >= 600);
    CHECK(*j.duration_s <= 600000);
    long_jobs += *j.duration_s >= 18974;
    // ddl = ⌊arrival + ⌊U(0.5, 1.5)·d⌋⌋ with d the untruncated duration.
    const double slack = to_seconds(*j.deadline - j.submit);
    CHECK(slack >= std::floor(0.5 * *j.duration_s) - 1);
    CHECK(slack <= 1.5 * (*j.duration_s + 1) + 1);
  }
  check_share(gpus[1], 20000, 0.83);
  check_share(gpus[2], 20000, 0.03);
  check_share(gpus[4], 20000, 0.03);
  check_share(gpus[8], 20000, 0.10);
  check_share(gpus[16], 20000, 0.01);
  check_share(long_jobs, 20000, 0.20);
  CHECK(models.size() == 14);
}

TEST_CASE("elasticflow preset matches the artifact's 1000-job trace in form",
          "[trace][generator][elasticflow]") {
  const auto table_dir = test::anchor("elasticflow/ElasticFlow/scheduler/throughputs_A100");
  const auto artifact = read_trace(
      test::anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/1000job_1500lam.csv"));
  const auto tp = make_table_throughput(read_throughput_table(table_dir));
  auto s = TraceGeneratorSettings::preset_named("elasticflow");
  s.throughputs = table_dir;
  const auto ours = generate_trace(s);
  REQUIRE(ours.jobs.size() == artifact.jobs.size());

  std::set<std::pair<std::string, int>> ours_models, their_models;
  std::set<int> ours_gpus, their_gpus;
  // The artifact writes iteration = ⌊d·rate⌋ and duration = ⌊d⌋; both traces must satisfy it.
  auto consistent = [&](const Job& j) {
    const double rate = tp->rate(j, j.gpus, {});
    REQUIRE(rate > 0);
    const double d_from_iters = j.iterations / rate;
    return d_from_iters < *j.duration_s + 1 + 1e-9 &&
           d_from_iters > *j.duration_s - 1.0 / rate - 1e-9;
  };
  int their_ok = 0, our_ok = 0;
  for (const auto& j : artifact.jobs) {
    their_models.emplace(j.model, j.batch_size);
    their_gpus.insert(j.gpus);
    their_ok += consistent(j);
  }
  for (const auto& j : ours.jobs) {
    ours_models.emplace(j.model, j.batch_size);
    ours_gpus.insert(j.gpus);
    our_ok += consistent(j);
    CHECK(j.iterations == std::floor(j.iterations));
    CHECK(j.submit % kSecond == 0);
  }
  CHECK(their_ok == 1000);
  CHECK(our_ok == 1000);
  CHECK(ours_models == their_models);
  CHECK(ours_gpus == their_gpus);
  CHECK(artifact.jobs.front().submit == 0);
  CHECK(ours.jobs.front().submit == 0);
}

TEST_CASE("generator settings: JSON round trip and errors", "[trace][generator]") {
  TempDir dir;
  auto s = small(50);
  s.gpus = parse_gpu_mix("1:2,4:1", "t");
  s.duration = "0.5@const:100|0.5@uniform:10,20";
  dir.write("s.json", s.to_json().dump(2));
  auto back = TraceGeneratorSettings::from_json_file(dir.file("s.json"));
  write_trace_csv(generate_trace(s), dir.file("a.csv"));
  write_trace_csv(generate_trace(back), dir.file("b.csv"));
  CHECK(test::slurp(dir.file("a.csv")) == test::slurp(dir.file("b.csv")));

  CHECK(test::error_of([] { Distribution::parse("uniform:5,1", "d"); }) ==
        "d: uniform needs LO <= HI");
  CHECK(test::error_of([] { Distribution::parse("exp:1,2", "d"); }) ==
        "d: 'exp' takes 1 argument(s)");
  CHECK(test::error_of([] { parse_gpu_mix("0:1", "g"); }) ==
        "g: '0:1' is not GPUS[:WEIGHT] with GPUS >= 1");
  CHECK(test::error_of([] { parse_model_mix("resnet50", "m"); }) ==
        "m: 'resnet50' is not MODEL:BATCH[:WEIGHT]");
  auto bad = small();
  bad.iterations = "const:100";
  bad.duration.clear();
  CHECK(test::error_of([&] { generate_trace(bad); }).find("needs a throughput table") !=
        std::string::npos);
  dir.write("bad.json", "{\n  \"jobs\": 5,\n  \"gpus\": \"1:x\"\n}\n");
  CHECK(test::error_of([&] {
          TraceGeneratorSettings::from_json_file(dir.file("bad.json"));
        }).rfind(dir.file("bad.json") + ":3:", 0) == 0);
}

TEST_CASE("shipped demo trace regenerates from its settings", "[trace][generator]") {
  TempDir dir;
  auto s = TraceGeneratorSettings::from_json_file(test::source_dir() + "/traces/demo_200.json");
  write_trace_csv(generate_trace(s), dir.file("demo.csv"));
  CHECK(test::slurp(dir.file("demo.csv")) ==
        test::slurp(test::source_dir() + "/traces/demo_200.csv"));
}

TEST_CASE("trace generate and inspect through the CLI", "[trace][generator][cli]") {
  TempDir dir;
  const auto out = dir.file("t.csv");
  auto r = test::run_cli(
      "trace generate --preset demo --jobs 20 --seed 3 --gpus 1:1,2:1 "
      "--deadline-factor 2 --out '" +
      out + "'");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto settings = dir.file("t.json");
  REQUIRE(std::filesystem::exists(settings));
  // The settings file records the overrides and regenerates the same bytes.
  auto s = TraceGeneratorSettings::from_json_file(settings);
  CHECK(s.jobs == 20);
  CHECK(s.seed == 3);
  CHECK(s.deadline_lo == 2);
  CHECK(s.deadline_hi == 2);
  r = test::run_cli("trace generate --from '" + settings + "' --out '" + dir.file("u.csv") + "'");
  REQUIRE(r.exit_code == 0);
  CHECK(test::slurp(out) == test::slurp(dir.file("u.csv")));

  r = test::run_cli("trace inspect '" + out + "' --max-gpus 32");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("jobs                  20\n") != std::string::npos);
  CHECK(r.output.find("problems: none") != std::string::npos);
  const auto t = read_trace(out);
  int ones = 0;
  for (const auto& j : t.jobs)
    ones += j.gpus == 1;
  CHECK(r.output.find(fmt::format("       1 GPUs {:>8}", ones)) != std::string::npos);
}
