// Per-job fidelity of the MLFQ schedules (dlas, dlas-gpu, dlas-gpu-N, dlas-gpu-gittins[-N])
// against EVERY such run of the original Tiresias simulator in anchors/tiresias/reference_runs:
// JCT, first start, preemptions, restarts and promotions of all 60 jobs. The 300/1000 threshold
// runs are the ones where demotion, promotion and Gittins preemption actually happen.
#include <filesystem>
#include <regex>

#include <catch2/catch.hpp>

#include "training/tiresias/gittins.hpp"
#include "tiresias_reference.hpp"

using namespace clustersim;
using namespace clustersim::test;

TEST_CASE("dlas family matches every Tiresias reference run per job",
          "[tiresias][fidelity][dlas]") {
  const std::string gittins = anchor("tiresias/yarn-gput1000.csv");
  const std::regex file_re("(dlas[a-z0-9-]*)-count\\.job\\.csv");
  int runs = 0, jobs = 0;
  for (const auto* dir : {"n2g4_default", "n4g4_default", "n2g4_q300_1000"}) {
    const std::string run_dir = anchor(std::string("tiresias/reference_runs/") + dir);
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(run_dir))
      files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::smatch m;
      if (!std::regex_match(f, m, file_re)) continue;
      const std::string policy = m[1];
      std::vector<std::pair<std::string, std::string>> params;
      if (std::string(dir) == "n2g4_q300_1000")
        params.emplace_back("tiresias.queue_limits", "300,1000");
      if (policy.rfind("dlas-gpu-gittins", 0) == 0)
        params.emplace_back("tiresias.gittins_file", gittins);
      const std::string cluster = std::string(dir).substr(0, 4) + ".csv";
      ReferenceCheck what;
      what.resumes = true;
      what.promotions = true;
      jobs += check_against_reference(policy, cluster, dir, f, params, what);
      ++runs;
    }
  }
  // 7 (n2g4_default) + 6 (n4g4_default) + 7 (n2g4_q300_1000) dlas-family runs in the anchors.
  CHECK(runs == 20);
  CHECK(jobs == runs * 60);
}

TEST_CASE("Gittins index reproduces the original's values", "[tiresias][gittins]") {
  const auto table = GittinsTable::from_file(anchor("tiresias/yarn-gput1000.csv"), 3250);
  // Values from research/tiresias_muri.md §1.4 (obtained from the original code), 2 decimals.
  CHECK(table.index(0) == Approx(299.70).margin(0.005));
  CHECK(table.index(121) == Approx(299.22).margin(0.005));
  CHECK(table.index(1000) == Approx(191.52).margin(0.005));
  CHECK(table.index(3250) == Approx(87.45).margin(0.005));
  CHECK(table.index(10000) == Approx(29.94).margin(0.005));
  CHECK(table.index(100000) == Approx(4.07).margin(0.005));
  CHECK(table.index(60000000) == 0.0);
}

TEST_CASE("python2_round rounds the exact value, halves away from zero", "[tiresias][gittins]") {
  CHECK(python2_round(0.03125, 4) == 0.0313);  // exact binary half -> away from zero
  CHECK(python2_round(2.675, 2) == 2.67);      // 2.675 is really 2.67499999...
  CHECK(python2_round(0.5, 0) == 1.0);
  CHECK(python2_round(1.23456789, 5) == 1.23457);
  CHECK(python2_round(99.999996, 5) == 100.0);
}

TEST_CASE("dlas options: knob parameter, jump formula, Gittins variants, errors",
          "[tiresias][dlas]") {
  const std::string gittins = anchor("tiresias/yarn-gput1000.csv");
  ReferenceCheck all;
  all.resumes = true;
  all.promotions = true;
  SECTION("tiresias.promote_knob on dlas-gpu equals the original's dlas-gpu-2") {
    CHECK(check_against_reference(
              "dlas-gpu", "n2g4.csv", "n2g4_q300_1000", "dlas-gpu-2-count.job.csv",
              {{"tiresias.queue_limits", "300;1000"}, {"tiresias.promote_knob", "2"}}, all) == 60);
  }
  auto jobs_csv = [&](const std::string& policy,
                      std::vector<std::pair<std::string, std::string>> params) {
    RunConfig cfg;
    cfg.inputs["cluster"] = anchor("tiresias/reference_runs/n2g4.csv");
    cfg.inputs["trace"] = anchor("tiresias/60_job.csv");
    cfg.policy = policy;
    cfg.params.set("tiresias.queue_limits", "300,1000");
    for (auto& [k, v] : params)
      cfg.params.set(k, v);
    return parse_simple_csv(execute_run(cfg).file("jobs.csv"));
  };
  SECTION("the exact jump formula changes 31 of 60 JCTs of the 300/1000 gittins run") {
    // research/tiresias_muri.md §1.10: an independent re-implementation found 31 of 60.
    auto orig = jobs_csv("dlas-gpu-gittins", {{"tiresias.gittins_file", gittins}});
    auto exact = jobs_csv("dlas-gpu-gittins",
                          {{"tiresias.gittins_file", gittins}, {"tiresias.jump_formula", "exact"}});
    REQUIRE(orig.size() == exact.size());
    int differ = 0;
    for (std::size_t k = 0; k < orig.size(); ++k)
      differ += orig[k].at("jct_s") != exact[k].at("jct_s");
    CHECK(differ == 31);
  }
  SECTION("extra engine scheduling points (slots) do not change the result") {
    // The original has events only at arrivals, completions and queue jumps; other points must
    // be no-ops for the policy.
    CHECK(check_against_reference("dlas-gpu-gittins", "n2g4.csv", "n2g4_q300_1000",
                                  "dlas-gpu-gittins-count.job.csv",
                                  {{"tiresias.queue_limits", "300,1000"},
                                   {"tiresias.gittins_file", gittins},
                                   {"engine.slot_s", "7"}},
                                  all) == 60);
  }
  SECTION("dlas-gpu-gittins-N: the original's bug by default, Gittins + knob when fixed") {
    auto bug = jobs_csv("dlas-gpu-gittins-2", {});
    auto plain = jobs_csv("dlas-gpu-2", {});
    auto fixed = jobs_csv("dlas-gpu-gittins-2", {{"tiresias.gittins_file", gittins},
                                                 {"tiresias.gittins_variant_bug", "false"}});
    CHECK(bug == plain);
    CHECK(fixed != plain);
    for (const auto& r : fixed)
      CHECK(r.at("status") == "finished");
  }
  SECTION("bad configurations are input errors (exit 2) with a message") {
    const std::string base = "run --cluster " + anchor("tiresias/reference_runs/n2g4.csv") +
                             " --trace " + anchor("tiresias/60_job.csv") + " -q --out " +
                             TempDir().file("o");
    auto r = run_cli(base + " --policy dlas-gpu-gittins");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("tiresias.gittins_file"));
    r = run_cli(base + " --policy dlas --set tiresias.queue_limits=7200,3250");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("ascending"));
    r = run_cli(base + " --policy dlas-gpu --set tiresias.jump_formula=fast");
    CHECK(r.exit_code == 2);
    r = run_cli(base + " --policy dlas-gpu-gittins --set tiresias.gittins_file=/nonexistent.csv");
    CHECK(r.exit_code == 2);
  }
}
