// One training run from a configuration: reads the inputs, builds the throughput model,
// placement, overhead model and policy, runs the engine and writes the result files.
//
// Configuration keys (CLI options or run.json, same names):
//   cluster, trace, trace_format (auto), throughputs (optional), policy, seed (1), out
//   and free parameters (`--set key=value` / "set": {...}), of which the engine reads
//   placement (count), overhead (none), gpu_type (generic; names the GPUs of CSV specs),
//   run (0), engine.slot_s (0), engine.min_interval_s (0), engine.event_queue (radix),
//   throughput (unset; `analytic` = the catalogue model for gpu_type), throughput.catalog
//   (the shipped throughputs/catalog), throughput.links (catalog for CSV cluster specs, which
//   have no link speeds; cluster for JSON specs);
//   `throughputs` ending in .json is a fitted-parameter file from `clustersim profile fit`;
//   policies, placements and overhead models read their own keys.
//
// Outputs in `out` (see README "Result files"): summary.json, jobs.csv, cluster.csv.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "clustersim/core/params.hpp"
#include "clustersim/training/engine.hpp"

namespace clustersim {

struct RunConfig {
  std::string cluster;
  std::string trace;
  std::string trace_format = "auto";
  std::string throughputs;  ///< empty = the trace's durations; *.json = fitted analytic model
  std::string policy;
  std::uint64_t seed = 1;
  std::string out;
  Params params;

  /// Reads run.json; `base_dir` resolves relative paths. Throws InputError(file:line).
  static RunConfig from_json_file(const std::string& path);
};

struct RunReport {
  nlohmann::json summary;
  std::string jobs_csv;
  std::string cluster_csv;
  RunResult result;
};

using ProgressFn = std::function<void(std::size_t done, std::size_t total, SimTime now)>;

/// Runs without writing anything.
RunReport execute_run(const RunConfig& config, const ProgressFn& progress = {});
/// Writes summary.json, jobs.csv and cluster.csv into config.out (created if needed).
void write_run(const RunConfig& config, const RunReport& report);

}  // namespace clustersim
