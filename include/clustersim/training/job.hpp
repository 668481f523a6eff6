// Training jobs and traces. Times are SimTime (µs) on the trace's own clock; readers convert
// from the file's unit once.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim {

struct Job {
  int index = 0;         ///< dense position in the trace after a stable sort by submit time
  std::string id;        ///< as written in the trace
  long source_line = 0;  ///< line in the trace file, for messages
  SimTime submit = 0;
  std::string model;
  int batch_size = 0;     ///< global batch size (0 when the format has none)
  double iterations = 0;  ///< training iterations at batch_size
  int gpus = 1;           ///< GPUs the user asked for (non-elastic policies use exactly this)
  std::optional<SimTime> deadline;  ///< absolute; none for best-effort jobs
  bool best_effort = false;
  /// Exclusive run time at `gpus` GPUs, when the trace gives it (Tiresias, ElasticFlow, Muri).
  std::optional<double> duration_s;
  int priority = 0;  ///< Muri traces' `priority` column (AntMan)
  /// Muri profiles: isolated iteration time and per-iteration stage times
  /// (0 = data loading, 1 = GPU compute, 2 = network), all in seconds.
  std::optional<double> iteration_time_s;
  std::array<double, 3> stage_time_s{};
};

struct Trace {
  std::string path;
  std::string format;
  std::vector<Job> jobs;  ///< stably sorted by submit time; Job::index is the position here
};

}  // namespace clustersim
