// The serving engine, worker side: per GPU an EXEC and a LOAD channel running one action at a
// time in arrival order, and the weights cache they check and change.
#include "engine_impl.hpp"

namespace clustersim::serving {

using namespace detail;

SimTime ServingEngine::Impl::noisy(SimTime base, double sigma) {
  if (sigma <= 0) return base;
  const double f = noise_.lognormal(-0.5 * sigma * sigma, sigma);
  return std::max<SimTime>(1, static_cast<SimTime>(std::llround(static_cast<double>(base) * f)));
}

void ServingEngine::Impl::on_worker_arrive(int gpu, int ch) {
  enter();
  gpus_[static_cast<std::size_t>(gpu)].channel[ch].waiting = false;
  start_next(gpu, ch);
  leave();
}

void ServingEngine::Impl::start_next(int gpu, int ch) {
  WorkerChannel& c = gpus_[static_cast<std::size_t>(gpu)].channel[ch];
  while (!c.busy && !c.waiting && !c.queue.empty()) {
    const std::uint32_t a = c.queue.front();
    if (actions_[a].arrive > now_) {  // still on the wire
      c.waiting = true;
      sim_.schedule_at(actions_[a].arrive, [this, gpu, ch] { on_worker_arrive(gpu, ch); });
      return;
    }
    c.queue.pop_front();
    if (start(a)) {
      c.busy = true;
      c.current = a;
      sim_.schedule_at(actions_[a].end, [this, gpu, ch] { on_worker_end(gpu, ch); });
    }
  }
}

// Starts an action at now_; false when it finished at once (failed, or an EVICT).
bool ServingEngine::Impl::start(std::uint32_t a) {
  ActionRec& r = actions_[a];
  r.start = now_;
  const std::size_t c = cell(r.gpu, r.model);
  Gpu& g = gpus_[static_cast<std::size_t>(r.gpu)];
  const ServedModel& m = models_[r.model];
  auto fail = [&](ActionStatus s) {
    r.status = s;
    r.end = now_;
    to_controller(a, now_ + cfg_.network);
    return false;
  };
  switch (r.type) {
    case ActionType::kInfer:
      if (now_ > r.latest) return fail(ActionStatus::kTooLate);
      if (!cache_[c].weights) return fail(ActionStatus::kWeightsMissing);
      r.version = cache_[c].version;
      r.end = now_ + noisy(m.profile->exec_us[static_cast<std::size_t>(zoo_batch_index(r.padded))],
                           cfg_.exec_noise_sigma);
      return true;
    case ActionType::kLoad:
      if (now_ > r.latest) return fail(ActionStatus::kTooLate);
      if (!cache_[c].weights) {
        if (g.free_pages < m.pages) return fail(ActionStatus::kNoPages);
        g.free_pages -= m.pages;
      }
      r.version = ++cache_[c].version;
      r.end = now_ + noisy(m.profile->load_us, cfg_.load_noise_sigma);
      return true;
    case ActionType::kEvict:
      if (!cache_[c].weights) return fail(ActionStatus::kNotCached);
      ++cache_[c].version;
      cache_[c].weights = false;
      g.free_pages += m.pages;
      --copies_[r.model];
      r.end = now_;
      to_controller(a, now_ + cfg_.network);
      return false;
  }
  return false;
}

void ServingEngine::Impl::on_worker_end(int gpu, int ch) {
  enter();
  WorkerChannel& wc = gpus_[static_cast<std::size_t>(gpu)].channel[ch];
  const std::uint32_t a = wc.current;
  wc.busy = false;
  ActionRec& r = actions_[a];
  const std::size_t c = cell(r.gpu, r.model);
  if (r.type == ActionType::kInfer) {
    if (cache_[c].version != r.version || !cache_[c].weights)
      r.status = ActionStatus::kWeightsChanged;
  } else if (cache_[c].version == r.version) {
    if (!cache_[c].weights) ++copies_[r.model];
    cache_[c].weights = true;
  } else {
    r.status = ActionStatus::kWeightsChanged;
  }
  to_controller(a, now_ + cfg_.network);
  start_next(gpu, ch);
  leave();
}

}  // namespace clustersim::serving
