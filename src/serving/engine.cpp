// The serving engine's run loop; engine_impl.hpp says where the rest is.
#include "engine_impl.hpp"

namespace clustersim::serving {

using namespace detail;

const char* status_name(ActionStatus s) {
  switch (s) {
    case ActionStatus::kOk:
      return "ok";
    case ActionStatus::kTooLate:
      return "too_late";
    case ActionStatus::kWeightsMissing:
      return "weights_missing";
    case ActionStatus::kWeightsChanged:
      return "weights_changed";
    case ActionStatus::kNoPages:
      return "no_pages";
    case ActionStatus::kNotCached:
      return "not_cached";
    case ActionStatus::kSendTooLate:
      return "send_too_late";
  }
  return "?";
}

int padded_batch_size(int n) {
  for (int b : kZooBatchSizes)
    if (b >= n) return b;
  return 0;
}

int zoo_batch_index(int b) {
  for (std::size_t i = 0; i < kZooBatchSizes.size(); ++i)
    if (kZooBatchSizes[i] == b) return static_cast<int>(i);
  throw InvariantError(fmt::format("{} is not a profiled batch size", b));
}

ServingEngine::Impl::Impl(std::vector<ServedModel> models, Workload& w, ServingPolicy& p,
                          ServingMetrics& m, ServingEngineConfig c)
    : models_(std::move(models)),
      workload_(w),
      policy_(p),
      metrics_(m),
      cfg_(c),
      pool_(c.costs.threads),
      zero_cost_(c.costs.zero()),
      admit_cost_(c.costs.admit_us + c.costs.admit_per_gpu_us * c.gpus),
      noise_(c.seed, c.run, "serving.noise") {
  if (cfg_.gpus < 1) throw InputError("serving.gpus must be >= 1");
  gpus_.resize(static_cast<std::size_t>(cfg_.gpus));
  for (auto& g : gpus_)
    g.free_pages = cfg_.pages_per_gpu;
  const std::size_t cells = gpus_.size() * models_.size();
  cache_.assign(cells, {});
  copies_.assign(models_.size(), 0);
  attempts_.resize(gpus_.size() * 2);
}

ServingRunStats ServingEngine::Impl::run() {
  workload_end_ = workload_.end();
  const SimTime hard_end = workload_end_ == kForever ? kForever : workload_end_ + cfg_.drain;
  in_start_ = true;
  policy_.start(*this);
  in_start_ = false;
  drain_ready();
  sim_.set_stall_limit(cfg_.limits.stall_events);
  while (true) {
    until_ = std::min(next_source(), hard_end);
    if (until_ > cfg_.limits.max_sim_time && until_ != kForever) until_ = cfg_.limits.max_sim_time;
    sim_.run(until_);
    stats_.peak_pending_events = std::max(stats_.peak_pending_events, sim_.queued());
    const SimTime t = next_source();
    if (t > cfg_.limits.max_sim_time && t != kForever)
      throw InputError(fmt::format("run stopped: simulated time passed --max-sim-time ({} s)",
                                   to_seconds(cfg_.limits.max_sim_time)));
    if (t == kForever || t > hard_end) break;
    process_source();
    const std::uint64_t events = sim_.events_processed() + sources_;
    if (cfg_.limits.max_events && events > cfg_.limits.max_events)
      throw InputError(
          fmt::format("run stopped: more than {} events (--max-events)", cfg_.limits.max_events));
    if (progress_ && arrivals_ >= next_report_) {
      next_report_ = arrivals_ + (1 << 16);
      progress_(static_cast<std::size_t>(to_seconds(now_)),
                static_cast<std::size_t>(to_seconds(workload_end_)), now_, events);
    }
  }
  if (sim_.queued() > 0 && cfg_.limits.max_sim_time != kForever &&
      sim_.now() >= cfg_.limits.max_sim_time)
    throw InputError(fmt::format("run stopped: simulated time passed --max-sim-time ({} s)",
                                 to_seconds(cfg_.limits.max_sim_time)));
  for (std::uint32_t s = 0; s < reqs_.size(); ++s) {
    if (reqs_[s].state == kFree) continue;
    RequestRecord rec = record((static_cast<RequestId>(reqs_[s].generation) << 32) | s);
    rec.outcome = RequestOutcome::kUnanswered;
    metrics_.on_unanswered(rec);
  }
  stats_.engine.events = sim_.events_processed() + sources_;
  stats_.engine.decisions = stats_.attempts;
  stats_.workload_end = workload_end_;
  stats_.end = std::max(now_, sim_.now());
  stats_.controller_busy = pool_.busy_s();
  stats_.arrivals = arrivals_;
  return stats_;
}

ServingEngine::ServingEngine(std::vector<ServedModel> models, Workload& workload,
                             ServingPolicy& policy, ServingMetrics& metrics,
                             ServingEngineConfig config)
    : impl_(std::make_unique<Impl>(std::move(models), workload, policy, metrics, config)) {}

ServingEngine::~ServingEngine() = default;

void ServingEngine::set_progress(ProgressFn progress) {
  impl_->progress_ = std::move(progress);
}

ServingRunStats ServingEngine::run() {
  return impl_->run();
}

}  // namespace clustersim::serving
