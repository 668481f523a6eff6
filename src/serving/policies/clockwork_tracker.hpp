// Controller-side bookkeeping of Clockwork's INFER5 scheduler (MachineLearningSystem/clockwork
// 6ce83e0), private to the clockwork policy:
//   WorkerTracker   controller/worker_tracker.h: when a GPU's EXEC or LOAD timeline frees up
//   SlidingWindow   sliding_window.h: percentile of the last n measurements (interpolated)
//   LoadTracker     controller/infer5/load_tracker.*: per-model demand, its spread over the GPUs
//                   holding the model, which model a GPU loads next and which it evicts.
// The LoadTracker keeps the original's arithmetic (int64 nanoseconds, double GPU weights,
// truncations) and its staleness: a model's load priority is recomputed only when the model
// itself changed (a request, an INFER sent or finished, a timeout, a LOAD), with the GPU
// weights of that moment. Where the original has a tracker thread that batches updates, the
// updates of each model are applied in the order the models became stale, before the next
// LOAD or EVICT decision reads them (no decision reads them in between).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim::serving::clockwork {

class WorkerTracker {
 public:
  WorkerTracker(SimTime lag, SimTime future) : lag_(lag), future_(future) {}
  /// When the outstanding work is expected to complete (never earlier than now + future).
  SimTime available(SimTime now) const;
  void add(std::uint64_t id, SimTime duration, SimTime now);
  void success(std::uint64_t id, SimTime completed) { update(id, completed, true); }
  void error(std::uint64_t id, SimTime now) { update(id, now, false); }

 private:
  struct Work {
    std::uint64_t id;
    SimTime size;
  };
  SimTime lag_, future_;
  SimTime work_begin_ = 0;
  SimTime total_ = 0;
  std::deque<Work> outstanding_;
  void update(std::uint64_t id, SimTime t, bool success);
};

class SlidingWindow {
 public:
  explicit SlidingWindow(int size = 10) : size_(static_cast<std::size_t>(size)) {}
  bool empty() const { return n_ == 0; }
  void insert(std::int64_t v);
  /// Clockwork's get_percentile: position p (n-1), linear between the neighbouring ranks.
  std::int64_t percentile(double p) const;

 private:
  std::size_t size_, n_ = 0, oldest_ = 0;
  // One allocation: the last n_ values in arrival order (a ring of size_, the oldest at
  // oldest_), then the same values ascending.
  std::vector<std::int64_t> buf_;
  const std::int64_t* sorted() const { return buf_.data() + size_; }
};

class LoadTracker {
 public:
  /// Per-request demand (LoadTracker::Demand).
  struct Demand {
    std::int64_t exec = 0;
    std::int64_t load = 0;
  };

  /// `period`: events are applied at a decision only if the last application is at least this
  /// old (the original's tracker thread applies them in batches); 0 = before every decision.
  LoadTracker(int gpus, int models, std::int64_t capacity_ns, bool only_unmet_demand,
              SimTime period);

  // Events (ModelLoadTracker): applied to the model at the next decision.
  Demand add_request(int model, std::int64_t size_ns, std::int64_t exec_slo_ns,
                     std::int64_t load_slo_ns);
  void executing(int model, Demand& d, int gpu);
  void completed(int model, Demand& d, int gpu);
  void cancelled(int model, Demand& d);
  /// The request's load demand lapses (its latest useful LOAD start passed).
  void load_expired(int model, Demand& d);
  void load_complete(int model, int gpu, bool success);
  /// Does the model have outstanding demand counting events not yet applied?
  bool has_demand(int model) const;

  /// The model GPU `gpu` should load next (marked as loading there), or -1.
  int load_model(int gpu, SimTime now);
  /// The model GPU `gpu` should evict (removed from it), or -1.
  int evict_model(int gpu, SimTime now);
  bool holds(int model, int gpu) const {
    const std::size_t c = cell(model, gpu);
    return (held_[c / 64] >> (c % 64) & 1) != 0;
  }

 private:
  struct Model {
    bool pending = false;  // has unapplied events (in pending_)
    bool stale = false;    // priority to recompute (in stale_)
    bool empty = true;     // priority fields as of the last refresh
    std::int64_t priority = 0;
    std::int64_t outstanding_exec = 0, outstanding_load = 0;
    std::int64_t completed_exec = 0, completed_load = 0;
    std::int64_t new_exec = 0, new_load = 0, delta_exec = 0, delta_load = 0;
    std::vector<int> touched;                  // GPUs whose last_used to bump
    std::vector<std::pair<int, bool>> events;  // load completions
    std::vector<int> gpus;                     // holding or loading, ascending
    // Per entry of gpus: the exec demand allocated to it by the last distribute, added to the
    // GPU's outstanding work (subtracted again when the GPU leaves the list).
    std::vector<std::int64_t> allocations;
    // Eager sums, for has_demand: outstanding + unapplied.
    std::int64_t live_exec = 0, live_load = 0;
  };
  struct Gpu {
    std::int64_t outstanding = 1000000;  // always assume 1 ms of outstanding work
    double weight = 0.01;
    bool weight_current = false;  // weight == capacity / outstanding
    // Models held (loaded or loading), least recently used first: set_used moves a model to
    // the back, so the list is in ascending last_used order.
    std::uint32_t lru_head = kNone, lru_tail = kNone;
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  int n_gpus_, n_models_;
  std::int64_t capacity_;
  bool only_unmet_;
  SimTime period_;
  SimTime applied_ = -1;  // when pending events were last applied
  std::uint64_t seqno_ = 0;
  std::vector<Model> models_;
  std::vector<Gpu> gpus_;
  // Per (model, GPU): the LRU links of the eviction walk.
  struct Cell {
    std::uint32_t prev = kNone, next = kNone;  // neighbours in the GPU's LRU list
    bool loading = false;
  };
  std::vector<Cell> cells_;  // gpu * M + model
  // gpu * M + model: a sequence number bumped at each use. Dense: the load search compares the
  // neighbouring models of a tie.
  std::vector<std::uint64_t> last_used_;
  // Bit gpu * M + model: held or loading. Dense, so the load search's test of every candidate
  // stays in cache.
  std::vector<std::uint64_t> held_;
  void set_held(int model, int gpu, bool on) {
    const std::size_t c = cell(model, gpu);
    const std::uint64_t bit = std::uint64_t{1} << (c % 64);
    held_[c / 64] = on ? held_[c / 64] | bit : held_[c / 64] & ~bit;
  }
  std::vector<std::uint8_t> empty_;  // per model: Model::empty (dense, for eviction scans)
  std::vector<int> pending_;         // models with unapplied events, in the order they got some
  std::vector<int> stale_;           // models whose priority is out of date, in invalidation order
  // Max-tree over models of the refreshed load priority (empty models: lowest).
  // An implicit 8-ary tree (node i's children are 8i+1..8i+8, one cache line), leaves from
  // first_leaf_ on: a third of a binary tree's levels, and fewer cache misses.
  static constexpr std::size_t kArity = 8;
  std::size_t first_leaf_ = 0;
  std::vector<std::int64_t> tree_;

  std::size_t cell(int model, int gpu) const {
    return static_cast<std::size_t>(gpu) * static_cast<std::size_t>(n_models_) +
           static_cast<std::size_t>(model);
  }
  // Takes a model's allocation back from the GPU's outstanding work and zeroes it.
  static void withdraw(Gpu& gpu, std::int64_t& allocation) {
    if (allocation == 0) return;
    gpu.outstanding -= allocation;
    gpu.weight_current = false;
    allocation = 0;
  }
  void touch(int model);
  void process_pending(SimTime now);
  void process(int model);
  void distribute(int model);
  void refresh(int model);
  void invalidate(int model);
  void refresh_stale();
  void add_gpu(int model, int gpu);
  void remove_gpu(int model, int gpu);
  void set_leaf(int model, std::int64_t value);
  void set_used(int model, int gpu);
  void link_back(int model, int gpu);
  void unlink(int model, int gpu);
  void search(std::size_t node, int gpu, int& best, std::int64_t& best_priority) const;
  void consider(std::size_t leaf, int gpu, int& best, std::int64_t& best_priority) const;
};

}  // namespace clustersim::serving::clockwork
