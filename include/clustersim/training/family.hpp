// The training family's part of the run pipeline (core/pipeline.hpp): its inputs (cluster spec,
// trace, trace format, throughput table), the parameters of its engine and throughput model
// (training_params), and the assembly of a run's components.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/pipeline.hpp"
#include "clustersim/training/engine.hpp"

namespace clustersim {

/// Everything a TrainingEngine needs, built from one run configuration. Components keep
/// references to the cluster and the trace, so both live on the heap (the setup may move).
struct TrainingSetup {
  std::unique_ptr<Cluster> cluster;
  std::unique_ptr<Trace> trace;
  std::unique_ptr<ThroughputModel> throughput;
  std::unique_ptr<PlacementScheme> placement;
  std::unique_ptr<OverheadModel> overhead;
  std::unique_ptr<TrainingPolicy> policy;
  EngineConfig engine;
};

/// Parameters the training family declares for every run (engine.*, throughput.*, locality.*,
/// gpu_type, run, placement, overhead).
const ParamSpecs& training_params();

/// Reads the inputs of `config` once and builds its components: declares in `params` the
/// parameters of the policy, placement scheme and overhead model it uses, applies the policy's
/// engine needs as run defaults, and adds what it resolved to `record`. `params` must already
/// declare training_params(). Throws InputError on bad input.
TrainingSetup prepare_training(const RunConfig& config, Params& params, nlohmann::json& record);

}  // namespace clustersim
