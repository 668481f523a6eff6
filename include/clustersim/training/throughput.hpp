// Throughput: how fast a job progresses on a given GPU allocation. The engine measures a job's
// work in abstract "work units" chosen by the model:
//  * a table model counts iterations, and rate() is iterations per second;
//  * the trace-duration model (no table given) counts exclusive-run seconds at the requested GPU
//    count, so a job alone on its requested GPUs runs at rate 1, exactly.
// rate() == 0 means the allocation is not allowed (e.g. an empty or `nan` table cell).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clustersim/training/job.hpp"

namespace clustersim {

class Cluster;

/// Where a job's GPUs are: (node index, GPUs on it). Empty under count-only placement.
using NodeShares = std::vector<std::pair<int, int>>;

class ThroughputModel {
 public:
  virtual ~ThroughputModel() = default;
  /// Total work of the job, in this model's units.
  virtual double work(const Job& job) const = 0;
  /// Work units per second on `gpus` GPUs placed at `where` (may be empty).
  virtual double rate(const Job& job, int gpus, const NodeShares& where) const = 0;
  /// GPU counts this model can answer for the job, ascending (the elastic "levels").
  virtual std::vector<int> levels(const Job& job) const = 0;
  /// Throws InputError(trace:line) if the job cannot be simulated (unknown model or batch).
  virtual void check(const Job& job, const std::string& trace_path) const = 0;
  /// Human-readable name for summary.json.
  virtual std::string describe() const = 0;
};

/// Rate from the trace's own duration: work = duration_s; rate(g) = g / job.gpus (linear
/// scaling away from the requested count, an assumption only elastic policies exercise).
/// check() refuses jobs without a duration or with a zero duration.
std::unique_ptr<ThroughputModel> make_duration_throughput(int max_gpus);

/// A measured table: model → global batch → {gpus → iterations/s}.
struct ThroughputTable {
  std::string source;
  std::map<std::string, std::map<int, std::map<int, double>>> rates;
  /// Per model: cells marked "not allowed" (empty, `nan` or 0), which `rates` leaves out.
  std::map<std::string, int> skipped_cells;
};
/// Reads a table: a folder of ElasticFlow per-model CSVs (`global_batch_size,1,2,4,...`; file
/// name = model; empty, `nan` and `0` cells are "not allowed"), or one file in clustersim's
/// format `model,batch_size,gpus,iters_per_s` (an empty, `nan` or 0 rate is "not allowed" too).
ThroughputTable read_throughput_table(const std::string& path);
std::unique_ptr<ThroughputModel> make_table_throughput(ThroughputTable table);

/// Optional locality slowdown (`--set locality.cross_node_factor=F --set
/// locality.cross_switch_factor=S`, both in (0, 1], default 1 = off): a job whose GPUs lie on n
/// nodes under k switches runs at base rate x F^(n-1) x S^(k-1). Placements without nodes (the
/// `count` scheme) are not slowed. A modelling assumption of ours, not from a paper: it lets
/// placement change speed (e.g. Tiresias' consolidation) with explicitly chosen factors.
std::unique_ptr<ThroughputModel> make_locality_throughput(std::unique_ptr<ThroughputModel> base,
                                                          const Cluster& cluster,
                                                          double node_factor, double switch_factor);

}  // namespace clustersim
