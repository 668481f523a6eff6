// The clockwork policy's LOAD scheduling (GPU::schedule_load): the LoadTracker's choice, LRU
// eviction, and waking GPUs whose last attempt found nothing to load.
#include "clockwork_policy.hpp"

namespace clustersim::serving::clockwork {

void ClockworkPolicy::wake_idle_loaders(std::uint32_t m) {
  for (std::size_t i = 0; i < idle_.size();) {
    const int g = idle_[i];
    if (tracker_->holds(static_cast<int>(m), g)) {
      ++i;
      continue;
    }
    gpus_[static_cast<std::size_t>(g)].load_idle = false;
    idle_[i] = idle_.back();
    idle_.pop_back();
    ctx_->wake(g, Channel::kLoad, ctx_->now());
  }
}

void ClockworkPolicy::expire_load_demand(SimTime now) {
  while (!expiries_.empty() && expiries_.top().first < now) {
    const RequestId id = expiries_.top().second;
    expiries_.pop();
    if (ctx_->alive(id))
      tracker_->load_expired(static_cast<int>(ctx_->request(id).model), demand(id));
  }
}

bool ClockworkPolicy::schedule_load(int g) {
  Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
  const SimTime now = ctx_->now();
  const SimTime available = gpu.load.available(now);
  if (available >= now + schedule_ahead_) {
    ctx_->wake(g, Channel::kLoad, available - schedule_ahead_ + 1);
    return false;
  }
  if (load_expiry_) expire_load_demand(now);
  const int m = tracker_->load_model(g, now);
  if (m < 0) {
    if (!gpu.load_idle) {
      gpu.load_idle = true;
      idle_.push_back(g);
    }
    return false;
  }
  const auto model = static_cast<std::uint32_t>(m);
  const int size = ctx_->models()[model].pages;
  // evict_pages: least recently used first, idle models before busy ones.
  while (gpu.free_pages < size) {
    const int victim = tracker_->evict_model(g, now);
    if (victim < 0) break;
    ++version(g, static_cast<std::uint32_t>(victim));
    undo_early_deactivation(g, static_cast<std::uint32_t>(victim));
    assign(static_cast<std::uint32_t>(victim), kLoaded, g, false);
    auto& lg = models_[static_cast<std::size_t>(victim)].loaded_gpus;
    if (auto it = std::find(lg.begin(), lg.end(), g); it != lg.end()) lg.erase(it);
    gpu.free_pages += ctx_->models()[static_cast<std::size_t>(victim)].pages;
    ctx_->send(EvictAction{g, static_cast<std::uint32_t>(victim), next_tag_++});
    ++evicts_;
  }
  if (gpu.free_pages < size) {
    tracker_->load_complete(m, g, false);
    return false;
  }
  gpu.free_pages -= size;
  assign(model, kLoaded, g, false);
  LoadAction a;
  a.gpu = g;
  a.model = model;
  a.earliest = now;
  a.latest = std::max(now + future_ + latest_delta_, available + latest_delta_);
  // The tag carries the instance's version: a sequence number above it, unlike any INFER's.
  a.tag = next_tag_++ << 32 | ++version(g, model);
  gpu.load.add(a.tag, models_[model].weights_estimate, now);
  ++loads_;
  ctx_->send(a);
  return true;
}

}  // namespace clustersim::serving::clockwork
