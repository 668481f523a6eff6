#include "clockwork_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "clustersim/core/error.hpp"

namespace clustersim::serving::clockwork {

// ---- WorkerTracker ----

SimTime WorkerTracker::available(SimTime now) const {
  SimTime begin = work_begin_;
  // Outstanding work that has mysteriously not completed: assume it is progressing.
  if (!outstanding_.empty() && begin + outstanding_.front().size + lag_ < now)
    begin = now - lag_ - outstanding_.front().size;
  return std::max(begin + total_, now + future_);
}

void WorkerTracker::add(std::uint64_t id, SimTime duration, SimTime now) {
  if (outstanding_.empty()) work_begin_ = std::max<SimTime>(0, now);
  outstanding_.push_back({id, duration});
  total_ += duration;
}

void WorkerTracker::update(std::uint64_t id, SimTime t, bool success) {
  if (outstanding_.empty()) return;
  if (outstanding_.front().id == id) {
    total_ -= outstanding_.front().size;
    work_begin_ = t;
    outstanding_.pop_front();
    return;
  }
  // The work was done but we do not know when.
  for (auto it = outstanding_.begin(); it != outstanding_.end(); ++it) {
    if (it->id != id) continue;
    total_ -= it->size;
    if (success) work_begin_ += it->size;
    outstanding_.erase(it);
    return;
  }
}

// ---- SlidingWindow ----

void SlidingWindow::insert(std::int64_t v) {
  if (buf_.empty()) buf_.resize(2 * size_);
  std::int64_t* ring = buf_.data();
  std::int64_t* sorted = ring + size_;
  std::size_t n = n_;
  if (n_ == size_) {  // the oldest value leaves (one of its equals: they are interchangeable)
    const std::int64_t old = ring[oldest_];
    ring[oldest_] = v;
    oldest_ = (oldest_ + 1) % size_;
    std::int64_t* at = std::lower_bound(sorted, sorted + n, old);
    std::copy(at + 1, sorted + n, at);
    --n;
  } else {
    ring[(oldest_ + n_) % size_] = v;
    ++n_;
  }
  std::int64_t* at = std::upper_bound(sorted, sorted + n, v);
  std::copy_backward(at, sorted + n, sorted + n + 1);
  *at = v;
}

std::int64_t SlidingWindow::percentile(double p) const {
  const std::int64_t* s = sorted();
  const double position = p * static_cast<double>(n_ - 1);
  const auto up = static_cast<std::size_t>(std::ceil(position));
  const auto down = static_cast<std::size_t>(std::floor(position));
  if (up == down) return s[up];
  return static_cast<std::int64_t>(static_cast<double>(s[up]) * (position - down) +
                                   static_cast<double>(s[down]) * (up - position));
}

// ---- LoadTracker ----

namespace {
constexpr std::int64_t kEmpty = std::numeric_limits<std::int64_t>::min();
}

LoadTracker::LoadTracker(int gpus, int models, std::int64_t capacity_ns, bool only_unmet,
                         SimTime period)
    : n_gpus_(gpus),
      n_models_(models),
      capacity_(capacity_ns),
      only_unmet_(only_unmet),
      period_(period) {
  models_.resize(static_cast<std::size_t>(models));
  empty_.assign(static_cast<std::size_t>(models), 1);
  gpus_.resize(static_cast<std::size_t>(gpus));
  const std::size_t cells = static_cast<std::size_t>(models) * static_cast<std::size_t>(gpus);
  cells_.resize(cells);
  last_used_.resize(cells);
  held_.assign((cells + 63) / 64, 0);
  for (int m = 0; m < models; ++m)  // model-major, as the constructor's loop
    for (int g = 0; g < gpus; ++g)
      last_used_[cell(m, g)] = seqno_++;
  std::size_t leaves = 1;
  while (leaves < static_cast<std::size_t>(std::max(models, 1))) {
    first_leaf_ += leaves;
    leaves *= kArity;
  }
  tree_.assign(first_leaf_ + leaves, kEmpty);
}

void LoadTracker::touch(int model) {
  Model& m = models_[static_cast<std::size_t>(model)];
  if (!m.pending) {
    m.pending = true;
    pending_.push_back(model);
  }
}

bool LoadTracker::has_demand(int model) const {
  const Model& m = models_[static_cast<std::size_t>(model)];
  return m.live_exec != 0 || m.live_load != 0;
}

LoadTracker::Demand LoadTracker::add_request(int model, std::int64_t size, std::int64_t exec_slo,
                                             std::int64_t load_slo) {
  Demand d;
  d.exec = (size * capacity_) / exec_slo;
  d.load = (size * capacity_) / load_slo;
  Model& m = models_[static_cast<std::size_t>(model)];
  m.new_exec += d.exec;
  m.new_load += d.load;
  m.live_exec += d.exec;
  m.live_load += d.load;
  touch(model);
  return d;
}

void LoadTracker::executing(int model, Demand& d, int gpu) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.delta_load += d.load;
  m.live_load -= d.load;
  d.load = 0;
  m.touched.push_back(gpu);
  touch(model);
}

void LoadTracker::completed(int model, Demand& d, int gpu) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.delta_exec += d.exec;
  m.live_exec -= d.exec;
  d.exec = 0;
  m.touched.push_back(gpu);
  touch(model);
}

void LoadTracker::cancelled(int model, Demand& d) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.delta_load += d.load;
  m.delta_exec += d.exec;
  m.live_load -= d.load;
  m.live_exec -= d.exec;
  d.load = d.exec = 0;
  touch(model);
}

void LoadTracker::load_expired(int model, Demand& d) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.delta_load += d.load;
  m.live_load -= d.load;
  d.load = 0;
  touch(model);
}

void LoadTracker::load_complete(int model, int gpu, bool success) {
  models_[static_cast<std::size_t>(model)].events.emplace_back(gpu, success);
  touch(model);
}

// The tracker thread's work since the last decision, then the decision's refreshPriorities.
void LoadTracker::process_pending(SimTime now) {
  if (period_ > 0 && applied_ >= 0 && now - applied_ < period_) return;
  applied_ = now;
  for (int model : pending_)
    process(model);
  pending_.clear();
  refresh_stale();
}

void LoadTracker::invalidate(int model) {
  Model& m = models_[static_cast<std::size_t>(model)];
  if (!m.stale) {
    m.stale = true;
    stale_.push_back(model);
  }
}

void LoadTracker::refresh_stale() {
  for (int model : stale_) {
    refresh(model);
    models_[static_cast<std::size_t>(model)].stale = false;
  }
  stale_.clear();
}

// LoadTracker::process for one model.
void LoadTracker::process(int model) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.pending = false;
  m.outstanding_exec += m.new_exec;
  m.outstanding_load += m.new_load;
  m.new_exec = m.new_load = 0;
  m.completed_exec += m.delta_exec;
  m.completed_load += m.delta_load;
  m.delta_exec = m.delta_load = 0;
  if (!m.touched.empty()) {  // the original walks its touched flags in GPU order
    std::sort(m.touched.begin(), m.touched.end());
    m.touched.erase(std::unique(m.touched.begin(), m.touched.end()), m.touched.end());
    for (int g : m.touched)
      set_used(model, g);
    m.touched.clear();
  }
  for (auto [g, ok] : m.events) {
    if (ok) {  // addGPUcomplete
      cells_[cell(model, g)].loading = false;
      set_used(model, g);
    } else {
      remove_gpu(model, g);
    }
  }
  m.events.clear();
  invalidate(model);
  distribute(model);
}

void LoadTracker::distribute(int model) {
  Model& m = models_[static_cast<std::size_t>(model)];
  m.outstanding_exec -= m.completed_exec;
  m.completed_exec = 0;
  // max(completed, timed out), where "timed out" is always 0 (see the clockwork policy).
  const std::int64_t load_delta = std::max<std::int64_t>(m.completed_load, 0);
  m.outstanding_load -= load_delta;
  m.completed_load -= load_delta;
  // The previous allocations are subtracted, GPU by GPU, before anything reads the GPU's
  // outstanding work (the weights are not updated by it: the original reads them stale).
  auto take_back = [&](std::size_t i) -> Gpu& {
    Gpu& gpu = gpus_[static_cast<std::size_t>(m.gpus[i])];
    withdraw(gpu, m.allocations[i]);
    return gpu;
  };
  const std::size_t n = m.gpus.size();
  if (m.outstanding_exec == 0) {  // every allocation is 0; weights are only recomputed
    for (std::size_t i = 0; i < n; ++i) {
      Gpu& gpu = take_back(i);
      if (gpu.weight_current) continue;
      gpu.weight = static_cast<double>(capacity_) / static_cast<double>(gpu.outstanding);
      gpu.weight_current = true;
    }
    return;
  }
  double total_weight = 0;
  for (std::size_t i = 0; i < n; ++i)
    total_weight += take_back(i).weight;
  const auto exec = static_cast<double>(m.outstanding_exec);
  for (std::size_t i = 0; i < n; ++i) {
    Gpu& gpu = gpus_[static_cast<std::size_t>(m.gpus[i])];
    const auto allocation =
        static_cast<std::int64_t>(static_cast<std::uint64_t>(exec * (gpu.weight / total_weight)));
    m.allocations[i] = allocation;
    if (allocation != 0) {
      gpu.outstanding += allocation;
      gpu.weight = static_cast<double>(capacity_) / static_cast<double>(gpu.outstanding);
    } else if (!gpu.weight_current) {
      gpu.weight = static_cast<double>(capacity_) / static_cast<double>(gpu.outstanding);
    }
    gpu.weight_current = true;
  }
}

// updatePriority: the load priority is the unmet load demand, the same on every GPU that does
// not hold the model; for a GPU that holds it the order is by last use.
void LoadTracker::refresh(int model) {
  Model& m = models_[static_cast<std::size_t>(model)];
  double total_weight = 0;
  for (int g : m.gpus)
    total_weight += gpus_[static_cast<std::size_t>(g)].weight;
  std::int64_t priority = m.outstanding_load;
  if (total_weight > 0 && priority > 0) {
    for (int g : m.gpus) {
      const Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
      const auto required = static_cast<std::int64_t>(static_cast<double>(m.outstanding_load) *
                                                      (gpu.weight / total_weight));
      priority -= (capacity_ * required) / gpu.outstanding;
    }
  }
  m.priority = priority;
  m.empty = m.outstanding_load == 0 && m.outstanding_exec == 0;
  empty_[static_cast<std::size_t>(model)] = m.empty;
  set_leaf(model, m.empty ? kEmpty : priority);
}

void LoadTracker::set_leaf(int model, std::int64_t value) {
  std::size_t i = first_leaf_ + static_cast<std::size_t>(model);
  tree_[i] = value;
  while (i > 0) {
    i = (i - 1) / kArity;
    const auto first = tree_.begin() + static_cast<std::ptrdiff_t>(kArity * i + 1);
    const std::int64_t top = *std::max_element(first, first + kArity);
    if (tree_[i] == top) break;  // the ancestors' maxima are unchanged too
    tree_[i] = top;
  }
}

void LoadTracker::add_gpu(int model, int gpu) {
  Model& m = models_[static_cast<std::size_t>(model)];
  const auto at = std::lower_bound(m.gpus.begin(), m.gpus.end(), gpu);
  m.allocations.insert(m.allocations.begin() + (at - m.gpus.begin()), 0);
  m.gpus.insert(at, gpu);
  set_held(model, gpu, true);
  cells_[cell(model, gpu)].loading = true;
  link_back(model, gpu);
  last_used_[cell(model, gpu)] = seqno_++;
}

void LoadTracker::set_used(int model, int gpu) {
  Cell& c = cells_[cell(model, gpu)];
  last_used_[cell(model, gpu)] = seqno_++;
  if (c.next != kNone && holds(model, gpu)) {
    unlink(model, gpu);
    link_back(model, gpu);
  }
}

void LoadTracker::link_back(int model, int gpu) {
  Gpu& g = gpus_[static_cast<std::size_t>(gpu)];
  Cell& c = cells_[cell(model, gpu)];
  c.prev = g.lru_tail;
  c.next = kNone;
  if (g.lru_tail != kNone)
    cells_[cell(static_cast<int>(g.lru_tail), gpu)].next = static_cast<std::uint32_t>(model);
  else
    g.lru_head = static_cast<std::uint32_t>(model);
  g.lru_tail = static_cast<std::uint32_t>(model);
}

void LoadTracker::unlink(int model, int gpu) {
  Gpu& g = gpus_[static_cast<std::size_t>(gpu)];
  Cell& c = cells_[cell(model, gpu)];
  if (c.prev != kNone)
    cells_[cell(static_cast<int>(c.prev), gpu)].next = c.next;
  else
    g.lru_head = c.next;
  if (c.next != kNone)
    cells_[cell(static_cast<int>(c.next), gpu)].prev = c.prev;
  else
    g.lru_tail = c.prev;
  c.prev = c.next = kNone;
}

void LoadTracker::remove_gpu(int model, int gpu) {
  Model& m = models_[static_cast<std::size_t>(model)];
  auto it = std::lower_bound(m.gpus.begin(), m.gpus.end(), gpu);
  if (it == m.gpus.end() || *it != gpu) return;
  const auto slot = m.allocations.begin() + (it - m.gpus.begin());
  withdraw(gpus_[static_cast<std::size_t>(gpu)], *slot);  // what the next distribute would do
  m.allocations.erase(slot);
  m.gpus.erase(it);
  set_held(model, gpu, false);
  cells_[cell(model, gpu)].loading = false;
  unlink(model, gpu);
}

// Best candidate under `node` for `gpu`: highest priority among non-empty models the GPU does
// not hold, ties to the most recently used on this GPU (last_used is unique, so the result does
// not depend on the visiting order). Subtrees below the best are pruned; the largest child is
// visited first for the tightest bound.
void LoadTracker::search(std::size_t node, int gpu, int& best, std::int64_t& best_priority) const {
  if (tree_[node] == kEmpty || (best >= 0 && tree_[node] < best_priority)) return;
  if (node >= first_leaf_) {  // a tree of one leaf
    consider(node, gpu, best, best_priority);
    return;
  }
  const std::size_t first = kArity * node + 1;
  if (first >= first_leaf_) {  // the children are leaves: a loop, not calls
    for (std::size_t j = first; j < first + kArity; ++j)
      if (tree_[j] != kEmpty && (best < 0 || tree_[j] >= best_priority))
        consider(j, gpu, best, best_priority);
    return;
  }
  std::size_t top = first;
  for (std::size_t j = first + 1; j < first + kArity; ++j)
    if (tree_[j] > tree_[top]) top = j;
  search(top, gpu, best, best_priority);
  for (std::size_t j = first; j < first + kArity; ++j)
    if (j != top) search(j, gpu, best, best_priority);
}

void LoadTracker::consider(std::size_t leaf, int gpu, int& best,
                           std::int64_t& best_priority) const {
  const int model = static_cast<int>(leaf - first_leaf_);
  if (model >= n_models_ || holds(model, gpu)) return;
  // last_used is read only for a tie.
  if (best < 0 || tree_[leaf] > best_priority ||
      last_used_[cell(model, gpu)] > last_used_[cell(best, gpu)]) {
    best = model;
    best_priority = tree_[leaf];
  }
}

int LoadTracker::load_model(int gpu, SimTime now) {
  process_pending(now);
  int best = -1;
  std::int64_t best_priority = 0;
  search(0, gpu, best, best_priority);
  if (best < 0) return -1;
  // The original's `priority <= 0` test compares a pointer, so it never stops a load; the
  // option restores the intended test.
  if (only_unmet_ && best_priority <= 0) return -1;
  invalidate(best);
  add_gpu(best, gpu);
  distribute(best);
  return best;
}

int LoadTracker::evict_model(int gpu, SimTime now) {
  process_pending(now);
  // Least recently used among the models without demand, else among all (loading ones are
  // neither loadable nor evictable): the first such in the GPU's LRU list.
  int best = -1;
  for (std::uint32_t model = gpus_[static_cast<std::size_t>(gpu)].lru_head; model != kNone;
       model = cells_[cell(static_cast<int>(model), gpu)].next) {
    if (cells_[cell(static_cast<int>(model), gpu)].loading) continue;
    if (empty_[model]) {
      best = static_cast<int>(model);
      break;
    }
    if (best < 0) best = static_cast<int>(model);
  }
  if (best < 0) return -1;
  invalidate(best);
  remove_gpu(best, gpu);
  distribute(best);
  return best;
}

}  // namespace clustersim::serving::clockwork
