// Analytic throughput model: a rate for any model, GPU type, GPU count and placement, from
// hardware and model catalogues plus five per-model parameters that a measured table can fit.
//
// One training iteration at global batch B on n GPUs (per-GPU batch b = B/n), in seconds:
//   compute  t_c = W * (b + b_half) / (F * eff)
//            W = training FLOPs per sample (catalogue), F = the GPU's peak FLOP/s at the
//            model's precision (catalogue). The efficiency eff * b / (b + b_half) saturates at
//            `eff` for large per-GPU batches and halves at b = b_half.
//   sync     t_s = 2 (n-1)/n * G * 8 / (comm_eff * BW * 1e9) + 2 (n-1) * latency   (n > 1; else 0)
//            ring all-reduce of G gradient bytes (catalogue) over the ring bottleneck bandwidth
//            BW (Gbit/s) of the job's placement (Cluster::ring_bottleneck_gbps), plus a
//            per-ring-step latency; comm_eff is the fraction of link bandwidth NCCL attains.
//   step     t = t_c + t_s - overlap * min(t_c, t_s)      (overlap in [0,1])
// rate = 1 / t iterations per second.
//
// Placement: a job with NodeShares uses exactly those nodes. Without them (count-only
// placement) the model assumes the consolidated placement: the fewest nodes, i.e. the first
// ceil(n / gpus_per_node) nodes of the cluster in index order (so the same switch when possible).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

struct GpuSpec {
  std::string name;
  double fp32_tflops = 0;
  double fp16_tflops = 0;  ///< dense tensor-core FP16
  double memory_gb = 0;
  double intra_node_gbps = 0;  ///< GPU-GPU link, Gbit/s per direction
  int server_gpus = 0;         ///< GPUs per node of the reference server
  double server_nic_gbps = 0;  ///< reference server's node-network bandwidth, Gbit/s
};

struct ModelSpec {
  std::string name;
  double params = 0;                  ///< parameter count
  double grad_bytes = 0;              ///< bytes all-reduced per iteration
  double train_flops_per_sample = 0;  ///< forward + backward FLOPs per sample
  std::string precision = "fp32";     ///< which peak of the GPU the efficiency refers to
};

/// The five per-model parameters (see the formula above).
struct ModelParams {
  double eff = 0.3;         ///< asymptotic fraction of peak FLOP/s
  double batch_half = 4;    ///< per-GPU batch at which efficiency is half of eff
  double comm_eff = 0.5;    ///< fraction of the bottleneck bandwidth the all-reduce attains
  double latency_s = 1e-4;  ///< per ring step
  double overlap = 0.3;     ///< fraction of min(compute, sync) hidden
};

struct Catalog {
  std::string dir;
  std::map<std::string, GpuSpec> gpus;
  std::map<std::string, ModelSpec> models;
  ModelParams default_params;  ///< models.json "default_params" (assumptions, not measurements)
  const GpuSpec& gpu(const std::string& name) const;      ///< InputError if unknown
  const ModelSpec& model(const std::string& name) const;  ///< InputError if unknown
};

/// Folder of the shipped catalogues (throughputs/catalog in the source tree).
std::string default_catalog_dir();
/// Reads `dir`/gpus.json and `dir`/models.json. Every number must be {"value": x, "source": s}
/// with a non-empty source; otherwise InputError(file:line).
Catalog read_catalog(const std::string& dir);

double peak_flops(const GpuSpec& gpu, const ModelSpec& model);
/// Seconds per iteration; `bw_gbps` is ignored when gpus == 1.
double iteration_time(const GpuSpec& gpu, const ModelSpec& model, const ModelParams& p,
                      double batch, int gpus, double bw_gbps);

/// A one-switch cluster of reference servers of `gpu` with at least `total_gpus` GPUs.
Cluster reference_cluster(const GpuSpec& gpu, int total_gpus);
/// Ring bottleneck of the consolidated placement of `gpus` GPUs (first nodes in index order).
double consolidated_bottleneck_gbps(const Cluster& cluster, int gpus);
double placement_bottleneck_gbps(const Cluster& cluster, const NodeShares& where);

/// Parameters fitted per model for one GPU type (the file `profile fit` writes).
struct FittedParams {
  std::string gpu_type;
  std::string catalog_dir;
  std::string table;  ///< what it was fitted to
  std::map<std::string, ModelParams> models;
};
FittedParams read_fitted_params(const std::string& path);
std::string fitted_params_json(const FittedParams& f);

struct AnalyticOptions {
  int max_gpus = 64;  ///< largest elastic level
};
/// The model over `cluster` (copied). Models without entries in `params` use the catalogue's
/// default_params. `describe` names the source in summary.json.
std::unique_ptr<ThroughputModel> make_analytic_throughput(
    const Catalog& catalog, const std::string& gpu_type, std::map<std::string, ModelParams> params,
    const Cluster& cluster, std::string describe, AnalyticOptions options = {});

}  // namespace clustersim
