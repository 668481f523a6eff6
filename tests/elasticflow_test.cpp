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
