// The clockwork policy's INFER scheduling (GPU::schedule_infer, Model::try_dequeue and the
// strategies), with the wake chain that hands a model's new requests to the GPUs holding it.
#include "clockwork_policy.hpp"

namespace clustersim::serving::clockwork {

bool ClockworkPolicy::has_room(int g) {
  const SimTime now = ctx_->now();
  return gpus_[static_cast<std::size_t>(g)].exec.available(now) < now + schedule_ahead_;
}

// The original's infer threads visit every GPU that holds the model; the first with room in
// its timeline takes the request, the others find the queue empty and deactivate the model.
// Here the holders are asked one at a time (round-robin from the last transition), the next
// only if the previous left requests queued; holders not asked see the activation at their
// next attempt, as the original's would at their next visit.
void ClockworkPolicy::start_chain(std::uint32_t m) {
  Model& md = models_[m];
  md.chain_start = md.rr++ % static_cast<std::uint32_t>(md.loaded_gpus.size());
  md.chain_step = 0;
  md.chain_gpu = -1;
  advance_chain(m);
}

void ClockworkPolicy::advance_chain(std::uint32_t m) {
  Model& md = models_[m];
  const auto k = static_cast<std::uint32_t>(md.loaded_gpus.size());
  md.chain_gpu = -1;
  while (md.chain_step < k) {
    const int g = md.loaded_gpus[(md.chain_start + md.chain_step++) % k];
    if (!has_room(g)) continue;
    md.chain_gpu = g;
    gpus_[static_cast<std::size_t>(g)].chained.push_back(m);
    ctx_->wake(g, Channel::kExec, ctx_->now());
    return;
  }
}

void ClockworkPolicy::finish_chains(int g) {
  auto& chained = gpus_[static_cast<std::size_t>(g)].chained;
  if (chained.empty()) return;
  std::vector<std::uint32_t> models;
  models.swap(chained);
  for (std::uint32_t m : models) {
    Model& md = models_[m];
    if (md.chain_gpu != g) continue;
    if (md.empty() || md.chain_step >= md.loaded_gpus.size())
      md.chain_gpu = -1;
    else
      advance_chain(m);
  }
}

// Model::new_strategies + GPU::add_model_strategies. The GPU always picks the smallest
// (priority, batch, model) and then removes every strategy of that instance, so only each
// instance's smallest strategy can ever be picked: the queue keeps just that one. Batch 0: none.
Strategy ClockworkPolicy::best_strategy(std::uint32_t m, int max_batch) {
  const Model& md = models_[m];
  Strategy best{0, 0, m};
  for (std::size_t i = 0; i < md.sizes.size(); ++i) {
    const std::uint64_t h = md.head[i];
    if (h >= md.end() || md.sizes[i] > max_batch) continue;
    const SimTime priority = md.at(h).deadline - md.est(md.sizes[i]);
    if (best.batch == 0 || priority < best.priority) {
      best.priority = priority;
      best.batch = md.sizes[i];
    }
  }
  return best;
}

void ClockworkPolicy::add_strategies(int g, std::uint32_t m, int max_batch) {
  const Strategy best = best_strategy(m, max_batch);
  if (best.batch == 0) {
    deactivate(g, m);
    return;
  }
  gpus_[static_cast<std::size_t>(g)].strategies.push(best);
}

// Model::try_dequeue: the requests of one INFER into `batch`, or false.
bool ClockworkPolicy::try_dequeue(Model& md, SimTime free_at, int min_batch,
                                  std::vector<RequestId>& batch) {
  const std::size_t n = md.sizes.size();
  for (std::size_t i = 0; i < n; ++i) {
    const SimTime completion = free_at + md.est(md.sizes[i]);
    while (md.head[i] < md.end() && md.at(md.head[i]).deadline < completion) {
      ++md.head[i];
      if (i == 0) ++discarded_;
    }
  }
  auto size = [&](std::size_t i) { return md.end() - md.head[i]; };
  std::size_t i = 0;
  while (i + 1 < n && size(i + 1) >= static_cast<std::uint64_t>(md.sizes[i + 1]))
    ++i;
  const int b = md.sizes[i];
  if (b < min_batch || size(i) < static_cast<std::uint64_t>(b)) return false;
  batch.clear();
  const std::uint64_t first = md.head[i];
  for (std::uint64_t k = first; k < first + static_cast<std::uint64_t>(b); ++k)
    batch.push_back(md.at(k).id);
  // Catch up every queue past the last request taken; requests left behind are dropped.
  const std::uint64_t next = first + static_cast<std::uint64_t>(b);
  for (std::size_t j = 0; j < n; ++j)
    md.head[j] = std::max(md.head[j], next);
  return true;
}

void ClockworkPolicy::trim(Model& md) {
  std::uint64_t low = md.end();
  for (std::size_t j = 0; j < md.sizes.size(); ++j)
    low = std::min(low, md.head[j]);
  md.base = std::max(md.base, low);
}

bool ClockworkPolicy::schedule_infer(int g) {
  const bool sent = infer_pass(g);
  if (!sent) finish_chains(g);
  return sent;
}

// GPU::schedule_infer: at most one INFER.
bool ClockworkPolicy::infer_pass(int g) {
  Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
  // The pending instances on this GPU, in any order: strategies have distinct keys, so the
  // queue pops the same sequence whatever the order of the pushes.
  last_pass_[static_cast<std::size_t>(g)] = ++passes_;
  const std::size_t word = static_cast<std::size_t>(g) / 64;
  const std::uint64_t bit = std::uint64_t{1} << (g % 64);
  // An entry's bits are never all clear (deactivate_pending drops it when it clears them).
  for (std::size_t i = 0; i < activated_.size();) {
    std::uint64_t* bits = &pending_[i * gpu_words_];
    if (!(bits[word] & bit)) {
      ++i;
      continue;
    }
    bits[word] &= ~bit;
    const std::uint32_t m = activated_[i];
    if (models_[m].empty())
      deactivate(g, m);  // what add_strategies would conclude
    else
      add_strategies(g, m, INT32_MAX);
    std::uint64_t left = 0;
    for (std::size_t w = 0; w < gpu_words_; ++w)
      left |= bits[w];
    if (left)
      ++i;
    else
      drop_entry(i);
  }
  const SimTime now = ctx_->now();
  // The EXEC timeline changes only with a send, which ends the pass.
  const SimTime exec_at = gpu.exec.available(now);
  while (!gpu.strategies.empty()) {
    if (exec_at >= now + schedule_ahead_) {
      ctx_->wake(g, Channel::kExec, exec_at - schedule_ahead_ + 1);
      return false;
    }
    Strategy s = gpu.strategies.pop();
    Model& md = models_[s.model];
    while (true) {
      if (!test(s.model, kLoaded, g) || md.drained()) {
        deactivate(g, s.model);
        break;
      }
      const bool was_empty = md.empty();
      const bool dequeued = try_dequeue(md, exec_at, s.batch, infer_.requests);
      trim(md);
      if (!was_empty && md.empty()) deactivate_pending(s.model);
      if (dequeued) {
        send_infer(g, s.model, exec_at);
        add_strategies(g, s.model, INT32_MAX);
        return true;
      }
      // Retry with smaller batches; a retry that would be the queue's next pop runs at once.
      const Strategy next = best_strategy(s.model, s.batch - 1);
      if (next.batch == 0) {
        deactivate(g, s.model);
        break;
      }
      if (!gpu.strategies.empty() && next > gpu.strategies.front()) {
        gpu.strategies.push(next);
        break;
      }
      s = next;
    }
  }
  return false;
}

void ClockworkPolicy::send_infer(int g, std::uint32_t m, SimTime exec_at) {
  Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
  const SimTime now = ctx_->now();
  InferAction& a = infer_;  // requests: filled by try_dequeue
  const SimTime duration = models_[m].est(static_cast<int>(a.requests.size()));
  a.gpu = g;
  a.model = m;
  a.earliest = now;
  a.latest = std::max(now + future_ + latest_delta_, exec_at + latest_delta_);
  a.send_by = std::max(now + future_, a.latest - send_slack_);
  a.error_at = a.latest + duration;
  a.tag = next_tag_++;
  gpu.exec.add(a.tag, duration, now);
  for (RequestId id : a.requests)
    tracker_->executing(static_cast<int>(m), demand(id), g);
  ++infers_;
  ctx_->send(a);
}

}  // namespace clustersim::serving::clockwork
