// Private to the serving engine:
//   engine.cpp             the run loop (merging the request streams with the event queue)
//   engine_requests.cpp    requests: arrival, admission through the controller's CPU, timeouts,
//                          answers
//   engine_controller.cpp  the controller's side of actions: sends, scheduling attempts, results
//   engine_worker.cpp      the workers: per GPU an EXEC and a LOAD channel and a weights cache
#pragma once

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/core/simulator.hpp"
#include "clustersim/serving/engine.hpp"

namespace clustersim::serving {
namespace detail {

enum RequestState : std::uint8_t { kFree = 0, kQueued = 1, kInInfer = 2 };

// FIFO pool of controller threads: an item submitted at t (in submission order, t
// non-decreasing) starts on the earliest free thread and its completion is returned. Kept in
// nanoseconds so fractional microsecond costs do not round away.
class CpuPool {
 public:
  explicit CpuPool(int threads) : free_ns_(static_cast<std::size_t>(std::max(threads, 1)), 0) {}
  /// When an item submitted at t would start.
  SimTime start(SimTime t) const {
    const std::int64_t free = *std::min_element(free_ns_.begin(), free_ns_.end());
    return std::max(t * 1000, free) / 1000;
  }
  SimTime submit(SimTime t, double cost_us) {
    auto it = std::min_element(free_ns_.begin(), free_ns_.end());
    const std::int64_t cost = std::llround(cost_us * 1000.0);
    const std::int64_t start = std::max(t * 1000, *it);
    *it = start + cost;
    busy_ns_ += cost;
    return (*it + 999) / 1000;
  }
  double busy_s() const { return static_cast<double>(busy_ns_) * 1e-9; }

 private:
  std::vector<std::int64_t> free_ns_;
  std::int64_t busy_ns_ = 0;
};

// Expiries in per-offset FIFOs: requests of one offset (expiry - arrival) are armed in arrival
// order, so each FIFO is sorted and the next expiry is the least of the FIFO fronts.
class TimeoutQueue {
 public:
  void push(SimTime offset, SimTime at, RequestId id) {
    if (offset != last_offset_ || last_ >= fifos_.size()) {
      auto [it, fresh] = index_.try_emplace(offset, fifos_.size());
      if (fresh) fifos_.emplace_back();
      last_offset_ = offset;
      last_ = it->second;
    }
    auto& f = fifos_[last_];
    if (!f.empty() && at < f.back().first)
      throw InvariantError("expire_at: expiries of one offset must not go back in time");
    f.emplace_back(at, id);
    if (at < next_) next_ = at, next_fifo_ = last_;
  }
  SimTime next() const { return next_; }
  std::pair<SimTime, RequestId> pop() {
    auto item = fifos_[next_fifo_].front();
    fifos_[next_fifo_].pop_front();
    next_ = kForever;
    for (std::size_t i = 0; i < fifos_.size(); ++i) {
      if (!fifos_[i].empty() && fifos_[i].front().first < next_)
        next_ = fifos_[i].front().first, next_fifo_ = i;
    }
    return item;
  }

 private:
  std::vector<std::deque<std::pair<SimTime, RequestId>>> fifos_;
  std::unordered_map<SimTime, std::size_t> index_;
  SimTime last_offset_ = -1;
  std::size_t last_ = SIZE_MAX;
  SimTime next_ = kForever;
  std::size_t next_fifo_ = 0;
};

struct ActionRec {
  ActionType type = ActionType::kInfer;
  ActionStatus status = ActionStatus::kOk;
  int gpu = 0;
  std::uint32_t model = 0;
  int padded = 0;
  std::vector<RequestId> requests;
  SimTime earliest = 0, latest = kForever, start = -1, end = -1;
  SimTime arrive = 0;  // at the worker
  std::uint32_t version = 0;
  std::uint64_t tag = 0;
};

struct WorkerChannel {
  std::deque<std::uint32_t> queue;  // action slots, in arrival order (some may not have arrived)
  bool busy = false;
  bool waiting = false;  // an event is due at the front action's arrival
  std::uint32_t current = 0;
};

struct Gpu {
  WorkerChannel channel[2];  // kExec, kLoad
  int free_pages = 0;
};

enum class AttemptState : std::uint8_t { kIdle, kReady, kTimer, kRunning };
struct Attempt {
  AttemptState state = AttemptState::kIdle;
  SimTime timer_at = kForever;
  EventId timer;
  SimTime rewake = kForever;  // asked for while running
};

}  // namespace detail

struct ServingEngine::Impl final : ServingContext {
  std::vector<ServedModel> models_;
  Workload& workload_;
  ServingPolicy& policy_;
  ServingMetrics& metrics_;
  ServingEngineConfig cfg_;
  Simulator sim_;
  detail::CpuPool pool_;
  bool zero_cost_;
  double admit_cost_;
  RngStream noise_;
  ProgressFn progress_;

  SimTime now_ = 0;
  SimTime until_ = kForever;  // the current sim_.run bound
  SimTime workload_end_ = 0;

  // Requests.
  std::vector<Request> reqs_;
  std::vector<std::uint64_t> seq_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_ = 0;
  std::uint64_t arrivals_ = 0;
  std::deque<std::pair<SimTime, RequestId>> admissions_;  // completion of admission, sorted
  detail::TimeoutQueue timeouts_;
  bool in_start_ = false;

  // Workers.
  std::vector<detail::Gpu> gpus_;
  // model * G + gpu: the weights cache, one record per cell so that a start or an end reads one
  // cache line. Model-major: a popular model's cells on every GPU share a few lines.
  struct CacheCell {
    std::uint32_t version = 0;
    bool weights = false;
  };
  std::vector<CacheCell> cache_;
  std::vector<std::uint16_t> copies_;  // per model: GPUs holding its weights
  std::vector<detail::ActionRec> actions_;
  std::vector<std::uint32_t> free_actions_;

  // Scheduling attempts.
  std::vector<detail::Attempt> attempts_;      // gpu * 2 + channel
  std::deque<std::pair<int, Channel>> ready_;  // zero-cost attempts due now

  ServingRunStats stats_;
  std::uint64_t sources_ = 0;
  std::uint64_t next_report_ = 1 << 16;  // arrivals_ at the next progress report

  Impl(std::vector<ServedModel> models, Workload& w, ServingPolicy& p, ServingMetrics& m,
       ServingEngineConfig c);

  // ---- ServingContext ----
  SimTime now() const override { return now_; }
  int gpu_count() const override { return cfg_.gpus; }
  int pages_per_gpu() const override { return cfg_.pages_per_gpu; }
  const std::vector<ServedModel>& models() const override { return models_; }
  const Request& request(RequestId id) const override { return reqs_[slot_of(id)]; }
  std::size_t request_slots() const override { return reqs_.size(); }

  bool alive(RequestId id) const override {
    const auto& r = reqs_[slot_of(id)];
    return r.state != detail::kFree && r.generation == static_cast<std::uint32_t>(id >> 32);
  }
  std::size_t cell(int gpu, std::uint32_t model) const {
    return static_cast<std::size_t>(model) * static_cast<std::size_t>(cfg_.gpus) +
           static_cast<std::size_t>(gpu);
  }

  void check_target(int gpu, std::uint32_t model, const char* what) const {
    if (gpu < 0 || gpu >= cfg_.gpus || model >= models_.size())
      throw InvariantError(fmt::format("{}: gpu {} / model {} out of range", what, gpu, model));
  }

  void expire_at(RequestId id, SimTime at) override;
  void preload(int gpu, std::uint32_t model) override;
  void wake(int gpu, Channel ch, SimTime at) override;
  void send(const InferAction& act) override;
  void send(const LoadAction& act) override;
  void send(const EvictAction& act) override;

  // ---- actions (engine_controller.cpp) ----
  std::uint32_t new_action(ActionType type, int gpu, std::uint32_t model, SimTime earliest,
                           SimTime latest, std::uint64_t tag);
  void dispatch(std::uint32_t a, SimTime send_by, SimTime error_at);
  void to_controller(std::uint32_t a, SimTime at);
  void process_result(std::uint32_t a);

  // ---- attempts (engine_controller.cpp) ----
  void make_ready(int gpu, Channel ch);
  void run_attempt(int gpu, Channel ch);
  void drain_ready();

  // ---- event bookkeeping ----
  void enter() { now_ = sim_.now(); }
  void leave() {
    drain_ready();
    if (next_source() < until_) sim_.stop();
  }

  // ---- workers (engine_worker.cpp) ----
  SimTime noisy(SimTime base, double sigma);
  void on_worker_arrive(int gpu, int ch);
  void start_next(int gpu, int ch);
  bool start(std::uint32_t a);
  void on_worker_end(int gpu, int ch);

  // ---- requests (engine_requests.cpp) ----
  RequestId new_request(const Arrival& a);
  std::pair<RequestId, Arrival> take_arrival();  // the workload's next, counted, with a slot
  void admit(RequestId id);
  RequestRecord record(RequestId id) const;
  void answer(RequestId id, RequestOutcome outcome, SimTime departure, int batch, int gpu);

  // ---- the three merged streams (engine_requests.cpp) ----
  SimTime next_arrival() const;
  SimTime next_source() const;
  void process_source();
  void shed_while_saturated();

  ServingRunStats run();
};

}  // namespace clustersim::serving
