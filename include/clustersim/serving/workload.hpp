// Workload generators of the serving family: which models are served and when requests arrive.
// A workload registers itself with its declared parameters (`--set workload=NAME`, `clustersim
// list --family serving`) and produces arrivals lazily, in time order, so a run of 10^8 requests
// keeps only the next arrival in memory (plus, for trace replays, one minute's rates).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/time.hpp"
#include "clustersim/serving/model_zoo.hpp"

namespace clustersim::serving {

inline constexpr std::uint32_t kNoClient = UINT32_MAX;

struct Arrival {
  SimTime time = 0;                  ///< at the controller
  std::uint32_t model = 0;           ///< served-model id (index into Workload::models())
  std::uint32_t client = kNoClient;  ///< closed-loop client, or kNoClient
};

class Workload {
 public:
  virtual ~Workload() = default;
  /// Zoo index of every served model; a served model is one copy (Clockwork "model instance"
  /// of the client: its own id, queues and weights).
  const std::vector<int>& models() const { return models_; }
  /// Time of the next arrival; kForever when none is pending (a closed loop may add more).
  virtual SimTime peek() const = 0;
  /// Removes and returns the next arrival. Precondition: peek() != kForever.
  virtual Arrival pop() = 0;
  /// A closed-loop client's request was answered at `t` (never earlier than the last pop).
  virtual void on_response(std::uint32_t client, SimTime t) {
    (void)client;
    (void)t;
  }
  /// End of generation (arrivals stop there).
  virtual SimTime end() const = 0;
  /// What the workload resolved (trace source, models, scale, ...) for summary.json's "run".
  virtual void describe(nlohmann::json& record) const { (void)record; }

 protected:
  std::vector<int> models_;
};

struct WorkloadEnv {
  const ModelZoo& zoo;
  const Params& params;
  std::string trace;  ///< --trace (MAF day file) or "" for the generator
  int gpus = 1;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
};

using WorkloadFactory = std::function<std::unique_ptr<Workload>(const WorkloadEnv&)>;
Registry<WorkloadFactory>& serving_workloads();
inline bool register_workload(std::string name, std::string description, WorkloadFactory f,
                              ParamSpecs params = {}) {
  serving_workloads().add(std::move(name), std::move(description), std::move(f), std::move(params));
  return true;
}

/// Zoo indexes in Clockwork's model-zoo order: by directory name (std::map, byte order).
std::vector<int> zoo_name_order(const ModelZoo& zoo);
/// Zoo indexes of a comma-separated list of model names; `key` names the setting in errors.
std::vector<int> zoo_models_named(const ModelZoo& zoo, const std::string& list,
                                  const std::string& key);

}  // namespace clustersim::serving
