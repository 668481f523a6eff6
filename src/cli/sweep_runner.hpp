// The local runner of `clustersim sweep run` (cmd_sweep_run.cpp): runs a manifest's incomplete
// points as child processes of this binary, `clustersim run --config <run>/run.json -q`, at most
// `jobs` at a time, with a progress bar on a terminal and one line per run otherwise.
#pragma once

#include <string>

#include "clustersim/sweep/grid.hpp"

namespace clustersim::cli {

struct LocalRunOptions {
  std::string out;  ///< sweep folder (created)
  int jobs = 1;
  bool quiet = false;  ///< no line per finished run (failures and the result are still printed)
  bool merge = true;   ///< write summary.csv when every run is complete
};

/// Returns the exit code: the number of failed runs (at most 125), 128 + signal when
/// interrupted by SIGINT, SIGTERM or SIGHUP (the children are killed and their partial files
/// removed first).
int run_sweep_locally(const sweep::Manifest& manifest, const LocalRunOptions& options);

}  // namespace clustersim::cli
