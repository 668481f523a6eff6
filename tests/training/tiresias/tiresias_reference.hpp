// Comparison of clustersim runs with the Tiresias simulator's own job.csv outputs in
// anchors/tiresias/reference_runs/ (produced by the unmodified public simulator, see
// anchors/tiresias/PROVENANCE.md). Shared by the Tiresias fidelity tests.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "clustersim/core/pipeline.hpp"
#include "test_support.hpp"

namespace clustersim::test {

using CsvRows = std::vector<std::map<std::string, std::string>>;

/// Minimal CSV parser for the unquoted files involved here.
inline CsvRows parse_simple_csv(const std::string& text) {
  CsvRows rows;
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream ls(s);
    while (std::getline(ls, cell, ','))
      out.push_back(cell);
    if (!s.empty() && s.back() == ',') out.emplace_back();
    return out;
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = split(line);
    if (header.empty()) {
      header = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < header.size() && k < cells.size(); ++k)
      row[header[k]] = cells[k];
    rows.push_back(std::move(row));
  }
  return rows;
}

inline double num(const std::map<std::string, std::string>& row, const std::string& key) {
  auto it = row.find(key);
  INFO("missing column " << key);
  REQUIRE(it != row.end());
  return std::stod(it->second);
}

struct ReferenceCheck {
  bool preemptions = true;  ///< compare `preempt`
  bool resumes = false;     ///< compare `resume` - 1 (the original counts every start)
  bool promotions = false;  ///< compare `promote` with our `promotions` column
};

/// Runs `policy` on the 60-job trace on `cluster_csv` (file name in reference_runs/) and checks
/// every job against reference_runs/<ref_dir>/<ref_file>. Returns the number of jobs checked.
inline int check_against_reference(const std::string& policy, const std::string& cluster_csv,
                                   const std::string& ref_dir, const std::string& ref_file,
                                   const std::vector<std::pair<std::string, std::string>>& params,
                                   ReferenceCheck what) {
  RunConfig cfg;
  cfg.inputs["cluster"] = anchor("tiresias/reference_runs/" + cluster_csv);
  cfg.inputs["trace"] = anchor("tiresias/60_job.csv");
  cfg.policy = policy;
  for (auto& [k, v] : params)
    cfg.params.set(k, v);
  const RunOutput rep = execute_run(cfg);
  const auto ours = parse_simple_csv(rep.file("jobs.csv"));
  const auto ref =
      parse_simple_csv(slurp(anchor("tiresias/reference_runs/" + ref_dir + "/" + ref_file)));
  REQUIRE(ref.size() == 60);
  REQUIRE(ours.size() == ref.size());
  std::map<std::string, const std::map<std::string, std::string>*> by_id;
  for (const auto& r : ours)
    by_id[r.at("job_id")] = &r;
  int checked = 0;
  for (const auto& r : ref) {
    const std::string id = r.at("job_id");
    INFO(policy << " on " << ref_dir << ", job " << id);
    REQUIRE(by_id.count(id) == 1);
    const auto& o = *by_id[id];
    CHECK(o.at("status") == "finished");
    CHECK(num(o, "jct_s") == num(r, "JCT"));
    CHECK(num(o, "first_start_s") == num(r, "start_time"));
    if (what.preemptions) CHECK(num(o, "preemptions") == num(r, "preempt"));
    if (what.resumes) CHECK(num(o, "resumes") == num(r, "resume") - 1);
    if (what.promotions) CHECK(num(o, "promotions") == num(r, "promote"));
    ++checked;
  }
  return checked;
}

}  // namespace clustersim::test
