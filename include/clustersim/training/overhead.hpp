// Preemption / resize overhead: seconds during which a job holds its GPUs without progressing,
// charged when it starts, resumes or changes its allocation. Models register by name and read
// their own parameters:
//   none      no overhead (the Tiresias simulator)
//   constant  `overhead.seconds` (default 10) on every start, resume and resize
//   table     `overhead.table` = CSV `model_name,num_gpu,restart_overhead_s` (Muri's table);
//             `overhead.default_s` (default 10) for pairs not in the table
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/time.hpp"
#include "clustersim/training/job.hpp"

namespace clustersim {

struct AllocationChange {
  int old_gpus = 0;    ///< 0 = the job was not running
  int new_gpus = 0;    ///< > 0
  bool moved = false;  ///< same count but different nodes
};

class OverheadModel {
 public:
  virtual ~OverheadModel() = default;
  /// Overhead for this change; called only for real changes (start, resume, resize, move).
  virtual SimTime charge(const Job& job, const AllocationChange& change) const = 0;
};

using OverheadFactory = std::function<std::unique_ptr<OverheadModel>(const Params&)>;
Registry<OverheadFactory>& overhead_models();

}  // namespace clustersim
