// Job files for running a sweep elsewhere (`clustersim sweep emit`): a GNU parallel job list and
// a Slurm job-array script. Both run `clustersim run --config <run>/run.json -q` per run with its
// output in <run>/log.txt, exactly as `sweep run` does, so `sweep merge` works on their results.
// Paths are absolute: the sweep folder and the binary must be visible at the same paths on every
// host (a shared file system).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace clustersim::sweep {

struct EmitSpec {
  std::string binary;                 ///< absolute path of clustersim
  std::string sweep_dir;              ///< absolute
  std::vector<std::string> run_dirs;  ///< absolute, the runs to do
  std::string grid;                   ///< for the header comment
};

/// `text` quoted for a POSIX shell.
std::string shell_quote(const std::string& text);

/// One shell command per line, for `parallel --joblog J [--resume-failed] -a FILE`.
std::string parallel_jobs(const EmitSpec& spec);

/// Array tasks of at most `chunk` runs each (0: as few per task as keeps the array within 1000
/// tasks, Slurm's default MaxArraySize), at most `throttle` running at once (0: no limit).
/// `runs_file` lists the run folders, one a line; task outputs go to <sweep_dir>/slurm/.
std::string slurm_script(const EmitSpec& spec, const std::string& runs_file, std::size_t chunk,
                         std::size_t throttle);
/// The number of array tasks slurm_script makes.
std::size_t slurm_tasks(std::size_t runs, std::size_t chunk);
std::size_t slurm_chunk(std::size_t runs, std::size_t chunk);

}  // namespace clustersim::sweep
