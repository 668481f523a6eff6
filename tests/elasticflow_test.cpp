// Fidelity tests against the ElasticFlow artifact (pkusys/ElasticFlow @04a0109): fig 8a
// (elasticVpollux_e, n16g4, T4 tables, slot 60 s). Expected numbers are the artifact's own
// outputs in anchors/elasticflow/reference_runs (final_result.csv and per-job job.csv).
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "clustersim/core/csv.hpp"
#include "clustersim/training/run.hpp"
#include "test_support.hpp"

using namespace clustersim;

namespace {

RunConfig fig8a(const std::string& policy) {
  RunConfig c;
  c.cluster = test::anchor("elasticflow/ElasticFlow/scheduler/cluster_specs/n16g4.csv");
  c.trace = test::anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/elasticVpollux_e.csv");
  c.throughputs = test::anchor("elasticflow/ElasticFlow/scheduler/throughputs_T4");
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
  const auto id = csv.require({"job_id"}), s = csv.require({"start_time"}), e = csv.require({"end_time"});
  std::map<std::string, Times> out;
  while (csv.next()) out[csv.field(id)] = {csv.get_double(s), csv.get_double(e)};
  return out;
}

std::map<std::string, Times> our_jobs(const RunReport& rep) {
  test::TempDir dir;
  const std::string path = dir.write("jobs.csv", rep.jobs_csv);
  CsvReader csv(path);
  const auto id = csv.require({"job_id"}), s = csv.require({"first_start_s"}), e = csv.require({"finish_s"}),
             st = csv.require({"status"});
  std::map<std::string, Times> out;
  while (csv.next()) {
    if (csv.field(st) == "finished") out[csv.field(id)] = {csv.get_double(s), csv.get_double(e)};
  }
  return out;
}

}  // namespace

TEST_CASE("edf reproduces the artifact's fig 8a run job by job", "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("edf"));
  // final_result.csv: ddl_satis_ratio 0.11794871794871795 (23 of 195).
  CHECK(rep.summary["deadline_satisfaction"].get<double>() == Approx(23.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() == Approx(23.0 / 195).epsilon(1e-12));
  const auto ref = artifact_jobs("edf");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 195);
  REQUIRE(ours.size() == 195);
  int same = 0;
  for (const auto& [id, t] : ref) {
    auto it = ours.find(id);
    REQUIRE(it != ours.end());
    same += it->second.start == t.start && it->second.end == t.end;
  }
  CHECK(same == 195);
}

TEST_CASE("elasticflow reproduces the artifact's ef-accessctrl fig 8a run job by job", "[elasticflow][fidelity]") {
  const auto rep = execute_run(fig8a("elasticflow"));
  // final_result.csv: 0.7282051282051282 = 142/195 (judged by planned finish, 50 refusals
  // counted); research notes: 127 of the 195 jobs finish by their deadline by logged end time.
  CHECK(rep.summary["deadline_satisfaction_artifact"].get<double>() == Approx(142.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["deadline_satisfaction"].get<double>() == Approx(127.0 / 195).epsilon(1e-12));
  CHECK(rep.summary["jobs_rejected"].get<int>() == 50);
  const auto ref = artifact_jobs("ef-accessctrl");
  const auto ours = our_jobs(rep);
  REQUIRE(ref.size() == 145);
  REQUIRE(ours.size() == 145);
  int same = 0;
  for (const auto& [id, t] : ref) {
    auto it = ours.find(id);
    REQUIRE(it != ours.end());
    same += it->second.start == t.start && it->second.end == t.end;
  }
  CHECK(same == 145);
}

namespace {

RunConfig generated(const std::string& trace, const std::string& spec, const std::string& policy) {
  RunConfig c;
  c.cluster = test::anchor("elasticflow/ElasticFlow/scheduler/cluster_specs/" + spec + ".csv");
  c.trace = test::anchor("elasticflow/ElasticFlow/traces_for_ElasticFlow/" + trace + ".csv");
  c.throughputs = test::anchor("elasticflow/ElasticFlow/scheduler/throughputs_A100");
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

double ratio_of(const RunReport& rep) { return rep.summary["deadline_satisfaction_artifact"].get<double>(); }

}  // namespace

TEST_CASE("fig 9 (1000 jobs, 64/128/256 GPUs): edf and edf-ac as the artifact, elasticflow within 0.02",
          "[elasticflow][fidelity]") {
  for (const std::string spec : {"n8g8", "n16g8", "n32g8"}) {
    const std::string exp = "fig9_" + spec;
    INFO(exp);
    // The summary keeps 4 decimals of the artifact's ratio.
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "edf"))) == Approx(artifact_ratio(exp, "edf")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "edf-ac"))) ==
          Approx(artifact_ratio(exp, "edf-accessctrl")).margin(5e-5));
    CHECK(ratio_of(execute_run(generated("1000job_1500lam", spec, "elasticflow"))) ==
          Approx(artifact_ratio(exp, "ef-accessctrl")).margin(0.02));
  }
}

TEST_CASE("fig 10 (100 jobs, 128 GPUs): edf and elasticflow as the artifact", "[elasticflow][fidelity]") {
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "edf"))) == Approx(artifact_ratio("fig10", "edf")).margin(5e-5));
  CHECK(ratio_of(execute_run(generated("100jobs_1500lam", "n16g8", "elasticflow"))) ==
        Approx(artifact_ratio("fig10", "ef-accessctrl")).margin(0.02));
}

TEST_CASE("fig 11 (best-effort share 10..90 %): edf as the artifact at every share", "[elasticflow][fidelity]") {
  for (const std::string b : {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}) {
    INFO("share " << b);
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "edf"))) ==
          Approx(artifact_ratio("fig11_" + b, "edf")).margin(5e-5));
  }
}

// Known gap (see the report): with best-effort jobs ElasticFlow is within 0.02 at 5 of 9 shares.
TEST_CASE("fig 11: elasticflow within 0.02 of the artifact at every share", "[elasticflow][fidelity][!mayfail]") {
  for (const std::string b : {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}) {
    INFO("share " << b);
    CHECK(ratio_of(execute_run(generated("200jobs_900lam_" + b, "n8g8", "elasticflow"))) ==
          Approx(artifact_ratio("fig11_" + b, "ef-accessctrl")).margin(0.02));
  }
}
