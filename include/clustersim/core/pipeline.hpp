// The one run pipeline every family goes through (DESIGN.md "One run pipeline"):
//
//   RunConfig --> Family::prepare   read every input once, declare the parameters of the
//                                   components used, build the family's engine
//             --> Params::validate  a setting nobody in this run honours stops the run here
//             --> PreparedRun::run  simulate (progress, event and time limits)
//             --> PreparedRun::collect   metrics and per-item files (src/metrics/)
//             --> RunOutput::commit      summary.json with the resolved configuration, CSVs
//
// A family contributes its inputs, its engine, its readers and its policies; it never
// re-implements the pipeline. Families register themselves like policies:
//   const bool registered = register_family("training", "...", [] { return ...; });
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/time.hpp"
#include "clustersim/metrics/run_output.hpp"

namespace clustersim {

/// One run's configuration: CLI options or run.json (same names).
struct RunConfig {
  std::string family = "training";
  std::string policy;
  std::uint64_t seed = 1;
  std::string out;
  /// Named inputs (`--cluster`, `--trace`, `--trace-format`, `--throughputs`, `--zoo`, ...):
  /// each family lists the ones it takes (Family::inputs); giving another is an error.
  std::map<std::string, std::string> inputs;
  Params params;  ///< `--set key=value` settings
  /// Optional outputs asked for by name (e.g. "requests.csv"); each family lists its own.
  std::vector<std::string> outputs;

  const std::string& input(const std::string& name) const;
  /// Reads run.json: keys family, policy, seed, out, set (object), outputs (list) and the
  /// inputs; relative paths are relative to the file. Throws InputError(file:line).
  static RunConfig from_json_file(const std::string& path);
};

/// Limits that bound any run (a run that reaches one stops with exit 2 and writes nothing).
struct RunLimits {
  std::uint64_t max_events = 0;  ///< 0 = none
  SimTime max_sim_time = kForever;
  /// Events in a row at one simulated time after which the run counts as stuck (0 = no check).
  std::uint64_t stall_events = 10'000'000;
};

/// Progress callback: (items done, items total, simulated now, events so far).
using ProgressFn =
    std::function<void(std::size_t done, std::size_t total, SimTime now, std::uint64_t events)>;

struct InputSpec {
  std::string name;  ///< option name without dashes ("cluster")
  std::string help;
  bool required = false;
  bool is_path = true;  ///< relative paths in run.json are resolved against the file
  std::string default_value;
};

/// Statistics every engine reports; recorded in summary.json's "run".
struct EngineStats {
  std::uint64_t events = 0;
  std::uint64_t decisions = 0;  ///< scheduling points / policy calls
  double policy_s = 0;          ///< time spent inside the policy
};

class PreparedRun {
 public:
  virtual ~PreparedRun() = default;
  /// Simulates; `out` may receive streamed files. Throws InputError when a limit is reached.
  virtual void run(const RunLimits& limits, const ProgressFn& progress, RunOutput& out) = 0;
  /// Adds the metrics and files of the finished run.
  virtual void collect(RunOutput& out) = 0;
  virtual EngineStats stats() const = 0;
};

class Family {
 public:
  virtual ~Family() = default;
  virtual std::vector<InputSpec> inputs() const = 0;
  /// Optional outputs this family can write on request (RunConfig::outputs).
  virtual std::vector<std::string> optional_outputs() const { return {}; }
  /// The family's registries (policies, placements, ...), for `clustersim list`.
  virtual std::vector<ComponentList> components() const = 0;
  /// Parameters the family itself (its engine, inputs and metrics) declares for every run.
  virtual const ParamSpecs& params() const = 0;
  /// Reads the inputs and builds the run. Declares in `params` every parameter of the
  /// components it uses and adds what it resolved (input formats, sizes, descriptions) to
  /// `record` (summary.json's "run").
  virtual std::unique_ptr<PreparedRun> prepare(const RunConfig& config, Params& params,
                                               nlohmann::json& record) const = 0;
};

using FamilyFactory = std::function<std::unique_ptr<Family>()>;
Registry<FamilyFactory>& families();
inline bool register_family(std::string name, std::string description, FamilyFactory f) {
  families().add(std::move(name), std::move(description), std::move(f));
  return true;
}

/// Looks up `name` in `registry` and declares the entry's parameters; an alias's settings become
/// the run's defaults (an explicit --set still wins).
template <typename F>
const typename Registry<F>::Entry& use_entry(const Registry<F>& registry, const std::string& name,
                                             Params& params) {
  auto found = registry.find(name);
  params.declare(found.entry.params, registry.kind() + " " + found.entry.name);
  if (found.alias) {
    for (const auto& [k, v] : found.alias->settings)
      params.set_default(k, v);
  }
  return found.entry;
}

/// Runs the pipeline into `out` (a folder, or memory); commits `out` on success.
void run_pipeline(const RunConfig& config, RunOutput& out, const RunLimits& limits = {},
                  const ProgressFn& progress = {});
/// Runs in memory and returns the output (summary and files), for tests and tools.
RunOutput execute_run(const RunConfig& config);

}  // namespace clustersim
