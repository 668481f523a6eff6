// Helpers shared by the tests: where the anchors and the binary are, temporary folders, and
// running the CLI.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "clustersim/core/error.hpp"
#include "clustersim/core/pipeline.hpp"
#include "clustersim/training/policy.hpp"

namespace clustersim::test {

/// ../shared/anchors (or $CLUSTERSIM_ANCHORS); tests that need it fail loudly when it is absent.
std::string anchors();
/// Path under the anchors folder; REQUIREs that it exists.
std::string anchor(const std::string& relative);
std::string source_dir();
std::string binary();

/// A fresh empty folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to `name` inside the folder and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code;
  std::string output;  ///< stdout and stderr together
};
/// Runs `clustersim <args>` through the shell, after `prefix` (e.g. "setpriv ... ") if given.
CommandResult run_cli(const std::string& args, const std::string& prefix = "");
std::string slurp(const std::string& path);

/// Params that declare `specs` and the training family's own parameters (engine, run, ...),
/// with `settings` set, for building a component outside a run.
Params declared_params(const ParamSpecs& specs,
                       const std::map<std::string, std::string>& settings = {});

/// One row of a run's jobs.csv, times back in µs (-1 where empty).
struct JobRow {
  std::string id;
  SimTime first_start = -1;
  SimTime finish = -1;
  JobStatus status = JobStatus::kPending;
  int preemptions = 0;
  int resizes = 0;
};
/// The rows of jobs.csv of a run, in trace order.
std::vector<JobRow> job_rows(const RunOutput& out);

/// The message of the InputError `f` throws ("" if it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace clustersim::test
