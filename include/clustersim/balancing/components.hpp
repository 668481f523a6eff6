// Registered components of the balancing family besides its policies: contention models
// (`--set contention=NAME`), service-time distributions (`--set service=NAME`), workloads
// (`--set workload=NAME`) and task trace formats (`--trace-format NAME`). Each registers from
// its own .cpp with its declared parameters, like the policies.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clustersim/balancing/model.hpp"
#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/rng.hpp"

namespace clustersim::balancing {

// ---- contention -------------------------------------------------------------------------------

/// f(b): how much longer every running task takes when b slots are busy (f(1) = 1 for the
/// shipped models). A node (or, with contention.scope=cluster, the whole cluster) serves each
/// running task at rate speed·throttle / f(b).
class ContentionModel {
 public:
  virtual ~ContentionModel() = default;
  /// b >= 1; must return a finite value > 0.
  virtual double factor(int busy) const = 0;
};
using ContentionFactory = std::function<std::unique_ptr<ContentionModel>(const Params&)>;
Registry<ContentionFactory>& contention_models();

// ---- service times ----------------------------------------------------------------------------

class ServiceModel {
 public:
  virtual ~ServiceModel() = default;
  /// One service demand in seconds (> 0).
  virtual double draw(RngStream& rng) = 0;
  virtual double mean() const = 0;
};
using ServiceFactory = std::function<std::unique_ptr<ServiceModel>(const Params&)>;
Registry<ServiceFactory>& service_models();

// ---- traces -----------------------------------------------------------------------------------

struct TaskTrace {
  std::string path;
  std::string format;
  std::vector<Task> tasks;  ///< in arrival order (stable)
  bool has_service = true;  ///< every task carries its own work_s
  /// Node names the trace mentions for its tasks' origins; resolved against the cluster.
  std::vector<std::string> origin_names;
  std::vector<long> origin_lines;  ///< line of each origin name's first use
};
/// Reads a trace file. `path` is the file name for messages.
using TraceFormatReader = std::function<TaskTrace(const std::string& path)>;
Registry<TraceFormatReader>& task_trace_formats();
/// Picks the reader (auto: aivle-log for files whose first line looks like a Django log, else
/// tasks) and resolves origin names against `cluster`. Throws InputError(file:line).
TaskTrace read_task_trace(const std::string& path, const std::string& format,
                          const BalancingCluster& cluster);

// ---- workloads --------------------------------------------------------------------------------

/// What a workload may use when it is built.
struct WorkloadEnv {
  const BalancingCluster& cluster;
  const Params& params;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
  ServiceModel* service = nullptr;   ///< null when the trace carries every demand
  const TaskTrace* trace = nullptr;  ///< the --trace file, if any
};

/// A source of tasks. Open workloads yield tasks in non-decreasing arrival order from next(),
/// lazily, so a run's memory does not grow with the number of tasks. Closed workloads have
/// clients(): the engine asks each client for its first task at time 0 and for the next one
/// whenever its previous task completes.
class Workload {
 public:
  virtual ~Workload() = default;
  /// Open workloads: the next task; false when there is none.
  virtual bool next(Task& task) = 0;
  virtual int clients() const { return 0; }
  /// Closed workloads: client `client`'s next task, submitted at or after `now`; false when the
  /// client stops.
  virtual bool next_of(int client, SimTime now, Task& task) {
    (void)client, (void)now, (void)task;
    return false;
  }
  /// Tasks the workload will yield, if known (progress display), else 0.
  virtual std::uint64_t expected() const { return 0; }
};
using WorkloadFactory = std::function<std::unique_ptr<Workload>(const WorkloadEnv&)>;
Registry<WorkloadFactory>& workloads();

}  // namespace clustersim::balancing
