// The clockwork policy (clockwork.cpp: what it does; admission, results and registration),
// private to it: INFER scheduling in clockwork_infer.cpp, LOAD and EVICT in clockwork_load.cpp.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "clockwork_tracker.hpp"
#include "clustersim/serving/policy.hpp"

namespace clustersim::serving::clockwork {

struct Entry {
  RequestId id;
  SimTime deadline;
};

// A model's batch sizes: at most the zoo's five, in the model's first cache line.
struct BatchSizes {
  std::array<std::uint8_t, 5> v{};
  std::uint8_t n = 0;
  std::size_t size() const { return n; }
  int operator[](std::size_t i) const { return v[i]; }
  void push_back(int b) { v[n++] = static_cast<std::uint8_t>(b); }
};

// Fields in the order of use: what every strategy, dequeue and deactivation reads first (the
// queue indices, the estimates, the ring and the batch sizes: 126 bytes, 128-byte aligned, the
// pair of cache lines the hardware fetches together), the estimates' windows last.
struct alignas(128) Model {
  // The queued requests have the indices [base, tail); queue i (batch size sizes[i]) is
  // [head[i], tail). Request k is at(k).
  std::uint64_t base = 0;
  std::uint64_t tail = 0;
  std::array<std::uint64_t, 5> head{};
  std::array<SimTime, 5> estimate{};  // by zoo batch index, microseconds
  std::vector<Entry> ring;            // request k at k mod ring.size(), a power of two
  BatchSizes sizes;                   // supported batch sizes, ascending
  std::vector<int> loaded_gpus;
  // The GPU asked to take a request that arrived to an empty queue (see on_request).
  int chain_gpu = -1;
  std::uint32_t chain_start = 0, chain_step = 0, rr = 0;
  SimTime weights_estimate = 0;
  SimTime b1 = 0;  // estimate(1) at start (slo_factor)
  std::array<SlidingWindow, 5> windows;
  SlidingWindow weights_window;
  std::uint64_t end() const { return tail; }
  const Entry& at(std::uint64_t k) const { return ring[k & (ring.size() - 1)]; }
  void push(const Entry& e) {
    if (tail - base == ring.size()) grow();
    ring[tail & (ring.size() - 1)] = e;
    ++tail;
  }
  void grow() {
    std::vector<Entry> bigger(std::max<std::size_t>(16, 2 * ring.size()));
    for (std::uint64_t k = base; k < tail; ++k)
      bigger[k & (bigger.size() - 1)] = at(k);
    ring.swap(bigger);
  }
  bool empty() const { return head[0] >= tail; }  // sizes[0] is always 1
  // No queue holds a request: no strategy, and a dequeue can only fail.
  bool drained() const {
    for (std::size_t i = 0; i < sizes.size(); ++i)
      if (head[i] < tail) return false;
    return true;
  }
  // The zoo's batch sizes are the powers of two 1..16: the index is the exponent.
  static_assert([] {
    for (std::size_t i = 0; i < kZooBatchSizes.size(); ++i)
      if (kZooBatchSizes[i] != 1 << i) return false;
    return true;
  }());
  SimTime est(int b) const {
    return estimate[static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(b)))];
  }
};

// An active instance has either its pending bit set or exactly one strategy in its GPU's queue:
// a strategy is pushed only for an instance whose pending bit was just cleared or whose strategy
// was just popped. So a popped strategy is always its instance's only one, and the original's
// removal of the instance's other strategies has nothing to remove.
struct Strategy {
  SimTime priority;
  int batch;
  std::uint32_t model;
  friend bool operator>(const Strategy& a, const Strategy& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.batch != b.batch) return a.batch > b.batch;
    return a.model > b.model;
  }
};

// A GPU's strategies in ascending order, the smallest at head_: a pop is an increment, and a
// push shifts the entries on the nearer side of its place (new strategies mostly go near the
// back, retries near the front). A GPU holds a few dozen (at most 169 in the Fig. 11 runs),
// where this beats a binary heap's unpredictable sift-down.
class StrategyQueue {
 public:
  bool empty() const { return head_ == v_.size(); }
  const Strategy& front() const { return v_[head_]; }
  Strategy pop() {
    const Strategy s = v_[head_++];
    if (head_ == v_.size()) {
      v_.clear();
      head_ = 0;
    }
    return s;
  }
  void push(const Strategy& s) {
    if (head_ >= 64 && 2 * head_ >= v_.size()) {  // drop the popped prefix
      v_.erase(v_.begin(), v_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    const std::size_t n = v_.size();
    if (head_ > 0 && (head_ == n || v_[(head_ + n) / 2] > s)) {  // in the front half
      std::size_t k = head_;
      for (; k < n && s > v_[k]; ++k)
        v_[k - 1] = v_[k];
      --head_;
      v_[k - 1] = s;
      return;
    }
    v_.push_back(s);
    std::size_t k = n;
    for (; k > head_ && v_[k - 1] > s; --k)
      v_[k] = v_[k - 1];
    v_[k] = s;
  }

 private:
  std::vector<Strategy> v_;
  std::size_t head_ = 0;
};

struct Gpu {
  WorkerTracker exec, load;
  int free_pages = 0;
  StrategyQueue strategies;
  std::vector<std::uint32_t> chained;  // models whose wake chain waits on this GPU
  bool load_idle = false;
  Gpu(SimTime lag, SimTime future) : exec(lag, future), load(lag, future) {}
};

class ClockworkPolicy final : public ServingPolicy {
 public:
  explicit ClockworkPolicy(const Params& p);

  void start(ServingContext& ctx) override;
  void on_request(RequestId id) override;
  void on_result(const ActionResult& res) override;
  void on_timeout(RequestId id) override;
  void report(nlohmann::json& out) const override;
  bool schedule(int g, Channel ch) override {
    return ch == Channel::kExec ? schedule_infer(g) : schedule_load(g);
  }

 private:
  const SimTime schedule_ahead_, latest_delta_;
  const int max_batch_;
  const SimTime max_exec_, buffer_;
  const int window_;
  const double percentile_;
  const SimTime lag_, future_, max_load_slo_, send_slack_;
  const bool only_unmet_;
  const SimTime tracker_period_;
  const bool load_expiry_;

  ServingContext* ctx_ = nullptr;
  std::vector<Model> models_;
  std::vector<Gpu> gpus_;
  std::vector<std::uint32_t> versions_;  // model * G + gpu: the instance's weights version
  // Per model, four bitsets over the GPUs (gpu_words_ words each, one model's together): where
  // its instance is active, where it went inactive while loaded (to activate at the next arrival
  // to an empty queue), where it is loaded, and where deactivate_pending last deactivated it.
  enum Flag : std::size_t { kActive = 0, kListed = 1, kLoaded = 2, kReverted = 3 };
  static constexpr std::size_t kFlags = 4;
  std::size_t gpu_words_ = 0;
  std::vector<std::uint64_t> flags_;
  // The models with pending instances (activated, strategies not yet computed by their GPU), in
  // no order, each with its bitset of those GPUs (gpu_words_ words, entry i at i * gpu_words_):
  // a GPU's attempt reads one short array, and an arrival to an empty queue of a model loaded
  // on every GPU writes one entry, not a record per GPU. Per model: its entry, or kAbsent.
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  std::vector<std::uint32_t> activated_, entry_;
  std::vector<std::uint64_t> pending_;
  // INFER passes so far; per GPU, the number of its last pass; per model, the pass during which
  // deactivate_pending last ran.
  std::uint64_t passes_ = 0;
  std::vector<std::uint64_t> last_pass_, reverted_at_;
  std::unique_ptr<LoadTracker> tracker_;
  std::vector<LoadTracker::Demand> demands_;  // by request slot
  std::vector<int> idle_;                     // GPUs whose last LOAD attempt found no model
  std::priority_queue<std::pair<SimTime, RequestId>, std::vector<std::pair<SimTime, RequestId>>,
                      std::greater<>>
      expiries_;
  std::uint64_t next_tag_ = 1;
  InferAction infer_;  // the next INFER, reused (its requests vector keeps its capacity)
  std::uint64_t infers_ = 0, infer_errors_ = 0, loads_ = 0, load_errors_ = 0, evicts_ = 0,
                discarded_ = 0;

  // The LoadTracker's capacity is the default SLO (the same for every model here).
  static SimTime slo_capacity(const std::vector<ServedModel>& served) {
    return served.empty() ? 100 * kMillisecond : served.front().slo;
  }
  LoadTracker::Demand& demand(RequestId id) {
    const std::size_t s = slot_of(id);
    if (s >= demands_.size()) demands_.resize(std::max(ctx_->request_slots(), s + 1));
    return demands_[s];
  }
  std::uint32_t& version(int g, std::uint32_t m) {
    return versions_[static_cast<std::size_t>(m) * gpus_.size() + static_cast<std::size_t>(g)];
  }

  std::uint64_t* flags(std::uint32_t m, Flag f) {
    return &flags_[(static_cast<std::size_t>(m) * kFlags + f) * gpu_words_];
  }
  bool test(std::uint32_t m, Flag f, int g) {
    return (flags(m, f)[static_cast<std::size_t>(g) / 64] >> (g % 64) & 1) != 0;
  }
  void assign(std::uint32_t m, Flag f, int g, bool on) {
    std::uint64_t& w = flags(m, f)[static_cast<std::size_t>(g) / 64];
    const std::uint64_t bit = std::uint64_t{1} << (g % 64);
    w = on ? w | bit : w & ~bit;
  }
  std::uint64_t* pending(std::uint32_t m) {
    if (entry_[m] == kAbsent) {
      entry_[m] = static_cast<std::uint32_t>(activated_.size());
      activated_.push_back(m);
      pending_.resize(pending_.size() + gpu_words_, 0);
    }
    return &pending_[entry_[m] * gpu_words_];
  }
  void drop_entry(std::size_t i) {
    const std::size_t last = activated_.size() - 1;
    entry_[activated_[i]] = kAbsent;
    if (i != last) {
      activated_[i] = activated_[last];
      entry_[activated_[i]] = static_cast<std::uint32_t>(i);
      std::copy_n(&pending_[last * gpu_words_], gpu_words_, &pending_[i * gpu_words_]);
    }
    activated_.pop_back();
    pending_.resize(last * gpu_words_);
  }
  // ModelInstance::activate: the GPU computes the instance's strategies on its next attempt.
  void activate(int g, std::uint32_t m) {
    if (test(m, kActive, g)) return;
    assign(m, kActive, g, true);
    pending(m)[static_cast<std::size_t>(g) / 64] |= std::uint64_t{1} << (g % 64);
  }
  void deactivate(int g, std::uint32_t m) {
    assign(m, kActive, g, false);
    if (test(m, kLoaded, g)) assign(m, kListed, g, true);
  }
  // Model::enqueue's activation on every GPU holding the model: those listed and loaded.
  void activate_inactive(std::uint32_t m) {
    std::uint64_t* active = flags(m, kActive);
    std::uint64_t* listed = flags(m, kListed);
    const std::uint64_t* loaded = flags(m, kLoaded);
    std::uint64_t* bits = nullptr;
    for (std::size_t w = 0; w < gpu_words_; ++w) {
      const std::uint64_t fresh = listed[w] & loaded[w] & ~active[w];
      listed[w] = 0;
      if (!fresh) continue;
      active[w] |= fresh;
      if (!bits) bits = pending(m);
      bits[w] |= fresh;
    }
  }
  // The model's queue just went empty: a pending loaded instance would find it so at its GPU's
  // next attempt and deactivate, unless an arrival came first, and that arrival activates it
  // again. So they are deactivated now, and their GPUs never visit the model for nothing.
  void deactivate_pending(std::uint32_t m) {
    std::uint64_t* active = flags(m, kActive);
    std::uint64_t* listed = flags(m, kListed);
    const std::uint64_t* loaded = flags(m, kLoaded);
    std::uint64_t* reverted = flags(m, kReverted);
    reverted_at_[m] = passes_;
    if (entry_[m] == kAbsent) {
      std::fill_n(reverted, gpu_words_, 0);
      return;
    }
    std::uint64_t* bits = pending(m);
    std::uint64_t left = 0;
    for (std::size_t w = 0; w < gpu_words_; ++w) {
      const std::uint64_t done = bits[w] & loaded[w];
      active[w] &= ~done;
      listed[w] |= done;
      bits[w] &= ~done;
      reverted[w] = done;
      left |= bits[w];
    }
    if (!left) drop_entry(entry_[m]);
  }
  // Before evicting: an instance deactivated early whose GPU has not made an attempt since would
  // still be pending; unloaded, it would no longer be activated by an arrival, so it is pending
  // again, as its GPU would find it.
  void undo_early_deactivation(int g, std::uint32_t m) {
    if (!test(m, kReverted, g) || test(m, kActive, g)) return;
    if (last_pass_[static_cast<std::size_t>(g)] > reverted_at_[m]) return;
    assign(m, kListed, g, false);
    activate(g, m);
  }

  // ---- INFER (clockwork_infer.cpp) ----
  bool has_room(int g);
  void start_chain(std::uint32_t m);
  void advance_chain(std::uint32_t m);
  void finish_chains(int g);
  Strategy best_strategy(std::uint32_t m, int max_batch);
  void add_strategies(int g, std::uint32_t m, int max_batch);
  bool try_dequeue(Model& md, SimTime free_at, int min_batch, std::vector<RequestId>& batch);
  static void trim(Model& md);
  bool schedule_infer(int g);
  bool infer_pass(int g);
  void send_infer(int g, std::uint32_t m, SimTime exec_at);

  // ---- LOAD and EVICT (clockwork_load.cpp) ----
  void wake_idle_loaders(std::uint32_t m);
  void expire_load_demand(SimTime now);
  bool schedule_load(int g);
};

}  // namespace clustersim::serving::clockwork
