// The serving engine, controller side: sending actions (through the controller's CPU and the
// network), scheduling attempts, results back at the controller.
#include "engine_impl.hpp"

namespace clustersim::serving {

using namespace detail;

// A fresh action record (a recycled slot or a new one), not started, with no requests.
std::uint32_t ServingEngine::Impl::new_action(ActionType type, int gpu, std::uint32_t model,
                                              SimTime earliest, SimTime latest, std::uint64_t tag) {
  std::uint32_t a;
  if (!free_actions_.empty()) {
    a = free_actions_.back();
    free_actions_.pop_back();
  } else {
    actions_.emplace_back();
    a = static_cast<std::uint32_t>(actions_.size() - 1);
  }
  ActionRec& r = actions_[a];
  r.type = type;
  r.status = ActionStatus::kOk;
  r.gpu = gpu;
  r.model = model;
  r.padded = 0;
  r.requests.clear();
  r.earliest = earliest;
  r.latest = latest;
  r.start = r.end = -1;
  r.tag = tag;
  return a;
}

// Sends an action: controller CPU, then the network; a send that cannot start by send_by fails.
void ServingEngine::Impl::dispatch(std::uint32_t a, SimTime send_by, SimTime error_at) {
  const SimTime sent = cfg_.costs.action_us > 0 ? pool_.submit(now_, cfg_.costs.action_us) : now_;
  if (sent > send_by) {
    ActionRec& r = actions_[a];
    r.status = ActionStatus::kSendTooLate;
    to_controller(a, std::max(error_at, sent));
    return;
  }
  // Messages to one GPU arrive in the order they are sent, so the action joins its channel's
  // queue now; an event is needed only when it would find the channel idle.
  ActionRec& r = actions_[a];
  r.arrive = sent + cfg_.network;
  const int ch = r.type == ActionType::kInfer ? 0 : 1;
  WorkerChannel& c = gpus_[static_cast<std::size_t>(r.gpu)].channel[ch];
  c.queue.push_back(a);
  if (!c.busy && !c.waiting) {
    c.waiting = true;
    const int gpu = r.gpu;
    sim_.schedule_at(r.arrive, [this, gpu, ch] { on_worker_arrive(gpu, ch); });
  }
}

void ServingEngine::Impl::send(const InferAction& act) {
  check_target(act.gpu, act.model, "INFER");
  const int n = static_cast<int>(act.requests.size());
  const int padded = padded_batch_size(n);
  if (n == 0 || padded == 0)
    throw InvariantError(fmt::format("INFER of {} requests (1..16 allowed)", n));
  for (RequestId id : act.requests) {
    if (!alive(id) || reqs_[slot_of(id)].state != kQueued || reqs_[slot_of(id)].model != act.model)
      throw InvariantError("INFER with a request that is not queued for its model");
    reqs_[slot_of(id)].state = kInInfer;
  }
  const std::uint32_t a =
      new_action(ActionType::kInfer, act.gpu, act.model, act.earliest, act.latest, act.tag);
  ActionRec& r = actions_[a];
  r.padded = padded;
  r.requests.assign(act.requests.begin(), act.requests.end());
  dispatch(a, act.send_by, act.error_at);
}

void ServingEngine::Impl::send(const LoadAction& act) {
  check_target(act.gpu, act.model, "LOAD");
  dispatch(new_action(ActionType::kLoad, act.gpu, act.model, act.earliest, act.latest, act.tag),
           kForever, 0);
}

void ServingEngine::Impl::send(const EvictAction& act) {
  check_target(act.gpu, act.model, "EVICT");
  dispatch(new_action(ActionType::kEvict, act.gpu, act.model, 0, kForever, act.tag), kForever, 0);
}

void ServingEngine::Impl::preload(int gpu, std::uint32_t model) {
  if (!in_start_) throw InvariantError("preload outside ServingPolicy::start");
  check_target(gpu, model, "preload");
  const std::size_t c = cell(gpu, model);
  if (cache_[c].weights) return;
  Gpu& g = gpus_[static_cast<std::size_t>(gpu)];
  if (g.free_pages < models_[model].pages)
    throw InputError(fmt::format("static placement: model {} ({} pages) does not fit on GPU {}",
                                 model, models_[model].pages, gpu));
  g.free_pages -= models_[model].pages;
  cache_[c].weights = true;
  cache_[c].version = 1;
  ++copies_[model];
}

void ServingEngine::Impl::wake(int gpu, Channel ch, SimTime at) {
  Attempt& s = attempts_[static_cast<std::size_t>(gpu) * 2 + static_cast<int>(ch)];
  switch (s.state) {
    case AttemptState::kRunning:
      s.rewake = std::min(s.rewake, at);
      return;
    case AttemptState::kReady:
      return;
    case AttemptState::kTimer:
      if (s.timer_at <= at) return;
      sim_.cancel(s.timer);
      break;
    case AttemptState::kIdle:
      break;
  }
  if (at <= now_) {
    make_ready(gpu, ch);
    return;
  }
  s.state = AttemptState::kTimer;
  s.timer_at = at;
  s.timer = sim_.schedule_at(at, [this, gpu, ch] {
    enter();
    attempts_[static_cast<std::size_t>(gpu) * 2 + static_cast<int>(ch)].state = AttemptState::kIdle;
    make_ready(gpu, ch);
    leave();
  });
}

void ServingEngine::Impl::make_ready(int gpu, Channel ch) {
  Attempt& s = attempts_[static_cast<std::size_t>(gpu) * 2 + static_cast<int>(ch)];
  s.state = AttemptState::kReady;
  if (cfg_.costs.schedule_us <= 0) {
    ready_.emplace_back(gpu, ch);
    return;
  }
  const SimTime done = pool_.submit(now_, cfg_.costs.schedule_us);
  sim_.schedule_at(done, [this, gpu, ch] {
    enter();
    run_attempt(gpu, ch);
    leave();
  });
}

void ServingEngine::Impl::run_attempt(int gpu, Channel ch) {
  Attempt& s = attempts_[static_cast<std::size_t>(gpu) * 2 + static_cast<int>(ch)];
  s.state = AttemptState::kRunning;
  s.rewake = kForever;
  ++stats_.attempts;
  const bool more = policy_.schedule(gpu, ch);
  s.state = AttemptState::kIdle;
  if (more)
    make_ready(gpu, ch);
  else if (s.rewake != kForever)
    wake(gpu, ch, s.rewake);
}

void ServingEngine::Impl::drain_ready() {
  while (!ready_.empty()) {
    auto [gpu, ch] = ready_.front();
    ready_.pop_front();
    run_attempt(gpu, ch);
  }
}

void ServingEngine::Impl::to_controller(std::uint32_t a, SimTime at) {
  sim_.schedule_at(at, [this, a] {
    enter();
    if (cfg_.costs.result_us > 0) {
      const SimTime done = pool_.submit(now_, cfg_.costs.result_us);
      sim_.schedule_at(done, [this, a] {
        enter();
        process_result(a);
        leave();
      });
    } else {
      process_result(a);
    }
    leave();
  });
}

void ServingEngine::Impl::process_result(std::uint32_t a) {
  ActionRec& r = actions_[a];
  ActionResult res;
  res.type = r.type;
  res.status = r.status;
  res.gpu = r.gpu;
  res.model = r.model;
  res.batch = static_cast<int>(r.requests.size());
  res.padded_batch = r.padded;
  res.start = r.start;
  res.end = r.end;
  res.tag = r.tag;
  res.requests = r.requests;
  policy_.on_result(res);
  const bool ok = r.status == ActionStatus::kOk;
  switch (r.type) {
    case ActionType::kInfer:
      metrics_.on_infer(now_, res.batch, ok);
      for (RequestId id : r.requests)
        answer(id, ok ? RequestOutcome::kOk : RequestOutcome::kError, now_, res.batch, r.gpu);
      break;
    case ActionType::kLoad:
      metrics_.on_load(now_, ok);
      break;
    case ActionType::kEvict:
      if (ok) metrics_.on_evict(now_);
      break;
  }
  r.requests.clear();
  free_actions_.push_back(a);
}

}  // namespace clustersim::serving
