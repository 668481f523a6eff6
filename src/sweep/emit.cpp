#include "clustersim/sweep/emit.hpp"

#include <fmt/format.h>

namespace clustersim::sweep {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string parallel_jobs(const EmitSpec& spec) {
  std::string out;
  const std::string bin = shell_quote(spec.binary);
  for (const auto& dir : spec.run_dirs) {
    out += fmt::format("{} run --config {} -q >{} 2>&1\n", bin, shell_quote(dir + "/run.json"),
                       shell_quote(dir + "/log.txt"));
  }
  return out;
}

std::size_t slurm_chunk(std::size_t runs, std::size_t chunk) {
  if (chunk > 0) return chunk;
  return runs <= 1000 ? 1 : (runs + 999) / 1000;
}

std::size_t slurm_tasks(std::size_t runs, std::size_t chunk) {
  const std::size_t k = slurm_chunk(runs, chunk);
  return (runs + k - 1) / k;
}

std::string slurm_script(const EmitSpec& spec, const std::string& runs_file, std::size_t chunk,
                         std::size_t throttle) {
  const std::size_t n = spec.run_dirs.size();
  const std::size_t k = slurm_chunk(n, chunk);
  const std::size_t tasks = slurm_tasks(n, chunk);
  const std::string array =
      tasks ? fmt::format("1-{}{}", tasks, throttle ? fmt::format("%{}", throttle) : "") : "";
  return fmt::format(
      R"(#!/bin/bash
#SBATCH --job-name=clustersim-sweep
#SBATCH --array={array}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output={dir}/slurm/%A_%a.out
# Written by `clustersim sweep emit --slurm` from {grid}: {n} runs, {k} per array task (task i runs
# lines (i-1)*{k}+1 .. i*{k} of {runs}). Submit with `sbatch {dir}/slurm/sweep.sbatch` (options
# given to sbatch override the lines above, e.g. --partition, --time, --array=1-{tasks}%8 to run
# at most 8 at once), then: clustersim sweep merge {dir}
set -u
bin={bin}
chunk={k}
first=$(( (SLURM_ARRAY_TASK_ID - 1) * chunk + 1 ))
failed=0
while IFS= read -r run; do
  if ! "$bin" run --config "$run/run.json" -q >"$run/log.txt" 2>&1; then
    echo "failed: $run" >&2
    cat "$run/log.txt" >&2
    failed=$((failed + 1))
  fi
done < <(sed -n "${{first}},$((first + chunk - 1))p" {runs_q})
exit $((failed > 0))
)",
      fmt::arg("array", array), fmt::arg("dir", spec.sweep_dir), fmt::arg("grid", spec.grid),
      fmt::arg("n", n), fmt::arg("k", k), fmt::arg("runs", runs_file), fmt::arg("tasks", tasks),
      fmt::arg("bin", shell_quote(spec.binary)), fmt::arg("runs_q", shell_quote(runs_file)));
}

}  // namespace clustersim::sweep
