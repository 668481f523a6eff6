// The serving engine: requests from a Workload, a controller (the ServingPolicy plus a model of
// the controller's CPU), and GPU workers that behave as Clockwork's emulated workers
// (research/clockwork.md 1.2, 1.3, 1.9):
//   * a GPU has a weights cache of `pages_per_gpu` pages, one EXEC stream and one LOAD channel
//     (PCIe) that run one action at a time each, in arrival order, and overlap each other;
//   * an action that reaches the front of its channel after its `latest` fails (kTooLate); an
//     INFER needs the model's weights at its start and fails if they changed before its end;
//     a LOAD allocates the model's pages at its start (kNoPages if short) and makes the model
//     usable at its end; an EVICT waits behind the LOAD channel, then frees the pages at once;
//   * execution and load times are the zoo's (padded to the next profiled batch size), times a
//     seeded lognormal noise of mean 1 when serving.exec_noise_sigma / load_noise_sigma > 0;
//   * controller <-> worker messages take `network` each way.
// Controller CPU (ControllerCosts): every admitted request, scheduling attempt, action sent and
// result received is a work item on a FIFO pool of `threads` threads; the item's effect happens
// when the item completes (a request joins the queues, a decision is taken, an action leaves, a
// result is seen). With all costs zero the controller is infinitely fast. A request that finds
// more than `max_admission_wait` of work queued ahead of its admission is shed: answered with a
// timeout at its deadline without using the controller, so an overloaded controller keeps
// serving what it admits instead of letting every request wait until it is hopeless.
//
// Events: arrivals, admissions and request timeouts are merged streams (no pending event per
// request; timeouts are swept in order); the event queue holds one event per action stage and
// one wake-up per (GPU, channel), so it stays at O(GPUs) entries.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "clustersim/core/pipeline.hpp"
#include "clustersim/metrics/serving_metrics.hpp"
#include "clustersim/serving/policy.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {

struct ControllerCosts {
  int threads = 1;
  double admit_us = 0;          ///< per admitted request
  double admit_per_gpu_us = 0;  ///< per admitted request and GPU (Clockwork activates the
                                ///< model on every GPU's scheduler)
  double schedule_us = 0;       ///< per scheduling attempt on one GPU
  double action_us = 0;         ///< per action sent
  double result_us = 0;         ///< per result received
  bool zero() const {
    return admit_us == 0 && admit_per_gpu_us == 0 && schedule_us == 0 && action_us == 0 &&
           result_us == 0;
  }
};

struct ServingEngineConfig {
  int gpus = 1;
  int pages_per_gpu = 1376;
  SimTime network = 0;  ///< one way, controller <-> worker
  ControllerCosts costs;
  SimTime max_admission_wait = 10 * kMillisecond;
  double exec_noise_sigma = 0;
  double load_noise_sigma = 0;
  SimTime drain = 60 * kSecond;  ///< simulated after the workload's end, at most
  std::size_t max_live_requests = 10'000'000;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
  RunLimits limits;
};

/// Counters of a finished run.
struct ServingRunStats {
  EngineStats engine;
  SimTime workload_end = 0;
  SimTime end = 0;             ///< last simulated time
  double controller_busy = 0;  ///< CPU-seconds of the controller pool
  std::uint64_t arrivals = 0;
  std::uint64_t attempts = 0;
  std::uint64_t shed = 0;  ///< requests the controller could not start admitting within their SLO
  std::size_t peak_live_requests = 0;
  std::size_t peak_pending_events = 0;
};

class ServingEngine {
 public:
  ServingEngine(std::vector<ServedModel> models, Workload& workload, ServingPolicy& policy,
                ServingMetrics& metrics, ServingEngineConfig config);
  ~ServingEngine();
  ServingEngine(const ServingEngine&) = delete;
  ServingEngine& operator=(const ServingEngine&) = delete;

  void set_progress(ProgressFn progress);
  /// Runs to the end of the workload plus the drain; throws InputError when a limit is reached.
  ServingRunStats run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clustersim::serving
