// The serving policy interface: a policy is the controller's scheduler (Clockwork's INFER5,
// Clipper, FIFO, ...). The engine owns requests, the GPUs (workers), the network and the
// controller's CPU; the policy keeps its own controller state (queues, estimates, trackers) and
// acts only through ServingContext: it sends INFER / LOAD / EVICT actions, which the workers
// validate and execute exactly as Clockwork's emulated workers do (a too-late, weights-missing
// or out-of-pages action fails), asks for request timeouts and for scheduling attempts.
//
// Call sequence (all at the current simulated time):
//   start(ctx)             once, before the first arrival (static placements preload here)
//   on_request(id)         a request was admitted by the controller
//   schedule(gpu, channel) a scheduling attempt (asked for with ctx.wake); return true when an
//                          action was sent and another attempt should follow right away
//   on_result(result)      an action's result reached the controller; for an INFER the engine
//                          answers its requests right after this call
//   on_timeout(id)         a request whose expiry the policy set (ctx.expire_at) was answered
//                          with a timeout; its slot is reused after this call
// Policies register themselves: register_serving_policy("name", "...", factory, params).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/core/params.hpp"
#include "clustersim/core/registry.hpp"
#include "clustersim/core/time.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {

/// Low 32 bits: slot; high 32 bits: the slot's generation (a reused slot gets a new id).
using RequestId = std::uint64_t;
inline std::uint32_t slot_of(RequestId id) {
  return static_cast<std::uint32_t>(id & 0xffffffffULL);
}

enum class Channel : std::uint8_t { kExec = 0, kLoad = 1 };
enum class ActionType : std::uint8_t { kInfer, kLoad, kEvict };
enum class ActionStatus : std::uint8_t {
  kOk,
  kTooLate,         ///< the worker reached it after `latest`
  kWeightsMissing,  ///< INFER on a GPU without the model's weights
  kWeightsChanged,  ///< the weights were evicted or reloaded while it ran
  kNoPages,         ///< LOAD without enough free pages
  kNotCached,       ///< EVICT of weights that are not there
  kSendTooLate,     ///< the controller could not start sending it by `send_by`
};
const char* status_name(ActionStatus s);

/// One served model (a copy of a zoo model) as the engine knows it.
struct ServedModel {
  int zoo = 0;
  const ZooModel* profile = nullptr;
  int pages = 0;
  SimTime slo = 0;  ///< request SLO (serving.slo_ms, or serving.slo_factor x batch-1 time)
};

struct Request {
  SimTime arrival = 0;   ///< at the controller
  SimTime slo = 0;       ///< answered by arrival + slo = within the SLO
  SimTime admitted = 0;  ///< when the controller admitted it
  std::uint32_t model = 0;
  std::uint32_t client = kNoClient;
  std::uint32_t generation = 0;
  std::uint16_t copies_at_arrival = 0;  ///< GPUs holding the model's weights at admission
  std::uint8_t state = 0;               ///< engine-internal
};

struct InferAction {
  int gpu = 0;
  std::uint32_t model = 0;
  std::vector<RequestId> requests;  ///< executed as one batch padded to a zoo batch size
  SimTime earliest = 0;             ///< the worker starts it no earlier ...
  SimTime latest = kForever;        ///< ... and fails it when it would start later
  SimTime send_by = kForever;       ///< fails locally if the controller starts sending later
  SimTime error_at = 0;             ///< when such a send failure is reported
  std::uint64_t tag = 0;            ///< returned in the result
};
struct LoadAction {
  int gpu = 0;
  std::uint32_t model = 0;
  SimTime earliest = 0;
  SimTime latest = kForever;
  std::uint64_t tag = 0;
};
struct EvictAction {
  int gpu = 0;
  std::uint32_t model = 0;
  std::uint64_t tag = 0;
};

struct ActionResult {
  ActionType type = ActionType::kInfer;
  ActionStatus status = ActionStatus::kOk;
  int gpu = 0;
  std::uint32_t model = 0;
  int batch = 0;         ///< requests in an INFER
  int padded_batch = 0;  ///< zoo batch size it executed as
  SimTime start = -1;    ///< on the worker (-1: never started)
  SimTime end = -1;      ///< on the worker: completion, or when it failed
  std::uint64_t tag = 0;
  std::span<const RequestId> requests;  ///< an INFER's requests (valid during on_result)
};

class ServingContext {
 public:
  virtual ~ServingContext() = default;
  virtual SimTime now() const = 0;
  virtual int gpu_count() const = 0;
  virtual int pages_per_gpu() const = 0;
  virtual const std::vector<ServedModel>& models() const = 0;
  virtual const Request& request(RequestId id) const = 0;
  /// Is `id` still waiting for its answer (its slot not yet reused)?
  virtual bool alive(RequestId id) const = 0;
  /// Requests live at once (slots); side tables indexed by slot_of() need this many entries.
  virtual std::size_t request_slots() const = 0;

  /// The engine copies what it needs: a policy may reuse `action` (and its vector) at once.
  virtual void send(const InferAction& action) = 0;
  virtual void send(const LoadAction& action) = 0;
  virtual void send(const EvictAction& action) = 0;
  /// Answer `id` with a timeout at `at` (now, if earlier) unless it is in an INFER by then.
  /// Expiry times of requests admitted later must not be earlier for the same (at - arrival).
  virtual void expire_at(RequestId id, SimTime at) = 0;
  /// Ask for a scheduling attempt on (gpu, channel) at `at` (now, if earlier); the earliest
  /// pending request wins; an attempt already due is not repeated.
  virtual void wake(int gpu, Channel channel, SimTime at) = 0;
  /// Only in start(): the model's weights are on the GPU from time 0 (static placement).
  virtual void preload(int gpu, std::uint32_t model) = 0;
};

class ServingPolicy {
 public:
  virtual ~ServingPolicy() = default;
  virtual void start(ServingContext& ctx) = 0;
  virtual void on_request(RequestId id) = 0;
  virtual bool schedule(int gpu, Channel channel) = 0;
  virtual void on_result(const ActionResult& result) = 0;
  virtual void on_timeout(RequestId id) { (void)id; }
  /// The policy's own counters for summary.json.
  virtual void report(nlohmann::json& out) const { (void)out; }
};

struct ServingPolicyEnv {
  const Params& params;
};
using ServingPolicyFactory = std::function<std::unique_ptr<ServingPolicy>(const ServingPolicyEnv&)>;
Registry<ServingPolicyFactory>& serving_policies();
inline bool register_serving_policy(std::string name, std::string description,
                                    ServingPolicyFactory f, ParamSpecs params = {}) {
  serving_policies().add(std::move(name), std::move(description), std::move(f), std::move(params));
  return true;
}

/// Smallest zoo batch size >= n (1..16), or 0 when n > 16.
int padded_batch_size(int n);
/// Index of a zoo batch size in kZooBatchSizes (b must be one of them).
int zoo_batch_index(int b);

}  // namespace clustersim::serving
