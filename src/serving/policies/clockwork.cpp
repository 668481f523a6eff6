// clockwork: Clockwork's INFER5 scheduler (OSDI'20; MachineLearningSystem/clockwork 6ce83e0,
// src/clockwork/controller/infer5/infer5_scheduler.cpp; research/clockwork.md 1.4-1.7):
//   * admission: SLO = serving.slo_ms (or slo_factor x batch-1 time); internal deadline =
//     arrival + max(SLO - buffer, schedule_ahead + buffer); the request joins one FIFO per
//     supported batch size of its model (b = 1 always, larger b only if <= max_batch and its
//     profiled time <= max_exec) and is answered with a timeout at its internal deadline unless
//     it is in an INFER by then;
//   * INFER, per GPU: while the GPU's EXEC timeline ends before now + schedule_ahead, take the
//     strategy with the earliest latest-start time (head deadline - estimate(b); ties: smaller b,
//     then lower model id) of a model loaded there; drop the heads that cannot finish by their
//     deadline if started when the GPU frees up, take the largest batch size whose queue (and
//     every smaller one) holds a full batch, and send one INFER of the oldest requests of that
//     queue (start window [now, max(now + future + latest_delta, exec start + latest_delta)],
//     sent by latest - 5 ms or failed locally); otherwise retry the model with smaller sizes;
//   * estimates: p99 of the last 10 measured times per (model, batch size) and of LOAD times,
//     seeded with the zoo profile;
//   * LOAD, per GPU, while its LOAD timeline ends before now + schedule_ahead: the LoadTracker's
//     model with the most unmet load demand among those the GPU does not hold, after evicting
//     least recently used models (idle ones first) until its pages fit; a model serves INFERs
//     on a GPU only once the LOAD's result is back.
// Two quirks of the code are the defaults, each with an option for the intended behaviour:
//   clockwork.load_only_unmet_demand=false  the "demand <= 0: do not load" test compares a
//       pointer, so any model with outstanding requests can be (re)loaded: hot models spread
//       over idle GPUs;
//   clockwork.load_demand_expiry=false      a request's load demand should lapse at its latest
//       useful LOAD start, but the code records 0 for it.
// Known differences: the controller's threads poll every GPU continuously, here a GPU is
// scheduled when something changed for it (a request for a model it holds, a result, its
// timeline opening up); a model that is not loaded on a GPU never gets strategies there (the
// original creates and discards them), so a model loaded later starts with fresh strategies;
// GPU clocks are constant (default_clock 1380 MHz cancels out); sends take no time, so
// network_concurrency (2) has no effect.
#include <fmt/format.h>

#include "clockwork_policy.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::serving::clockwork {
namespace {

SimTime ms_param(const Params& p, const std::string& key) {
  return static_cast<SimTime>(std::llround(p.get_double(key) * 1000.0));
}

}  // namespace

ClockworkPolicy::ClockworkPolicy(const Params& p)
    : schedule_ahead_(ms_param(p, "clockwork.schedule_ahead_ms")),
      latest_delta_(p.get_double("clockwork.latest_delta_ms") > 0
                        ? ms_param(p, "clockwork.latest_delta_ms")
                        : schedule_ahead_),
      max_batch_(static_cast<int>(p.get_int("clockwork.max_batch"))),
      max_exec_(ms_param(p, "clockwork.max_exec_ms")),
      buffer_(ms_param(p, "clockwork.buffer_ms")),
      window_(static_cast<int>(p.get_int("clockwork.estimate_window"))),
      percentile_(p.get_double("clockwork.estimate_percentile")),
      lag_(ms_param(p, "clockwork.lag_ms")),
      future_(ms_param(p, "clockwork.future_ms")),
      max_load_slo_(ms_param(p, "clockwork.max_loadweights_slo_ms")),
      send_slack_(ms_param(p, "clockwork.send_by_slack_ms")),
      only_unmet_(p.get_bool("clockwork.load_only_unmet_demand")),
      tracker_period_(
          static_cast<SimTime>(std::llround(p.get_double("clockwork.tracker_period_ms") * 1000.0))),
      load_expiry_(p.get_bool("clockwork.load_demand_expiry")) {}

void ClockworkPolicy::start(ServingContext& ctx) {
  ctx_ = &ctx;
  const auto& served = ctx.models();
  models_.resize(served.size());
  for (std::size_t m = 0; m < served.size(); ++m) {
    Model& md = models_[m];
    const ZooModel& z = *served[m].profile;
    for (std::size_t i = 0; i < kZooBatchSizes.size(); ++i) {
      const int b = kZooBatchSizes[i];
      md.estimate[i] = z.exec_us[i];
      md.windows[i] = SlidingWindow(window_);
      if (b == 1 || (z.exec_us[i] <= max_exec_ && b <= max_batch_)) md.sizes.push_back(b);
    }
    md.weights_estimate = z.load_us;
    md.weights_window = SlidingWindow(window_);
    md.b1 = md.est(1);
  }
  const int G = ctx.gpu_count();
  for (int g = 0; g < G; ++g) {
    gpus_.emplace_back(lag_, future_);
    gpus_.back().free_pages = ctx.pages_per_gpu();
    gpus_.back().load_idle = true;
    idle_.push_back(g);
  }
  versions_.assign(static_cast<std::size_t>(G) * served.size(), 0);
  gpu_words_ = (static_cast<std::size_t>(G) + 63) / 64;
  flags_.assign(served.size() * kFlags * gpu_words_, 0);
  entry_.assign(served.size(), kAbsent);
  last_pass_.assign(static_cast<std::size_t>(G), 0);
  reverted_at_.assign(served.size(), 0);
  tracker_ =
      std::make_unique<LoadTracker>(G, static_cast<int>(served.size()), 1000 * slo_capacity(served),
                                    only_unmet_, tracker_period_);
}

void ClockworkPolicy::on_request(RequestId id) {
  const Request& r = ctx_->request(id);
  Model& m = models_[r.model];
  const SimTime slo = r.slo;
  const SimTime exec_slo =
      std::max(slo >= buffer_ ? slo - buffer_ : slo, schedule_ahead_ + buffer_);
  const SimTime need = m.weights_estimate + m.b1 + buffer_ + schedule_ahead_;
  const SimTime room = slo >= need ? slo - need : slo;  // unsigned wrap-around in the code
  const SimTime load_slo =
      std::max(std::min(max_load_slo_, std::min(slo, room)), schedule_ahead_ + buffer_);
  const bool had_demand = tracker_->has_demand(static_cast<int>(r.model));
  const bool was_empty = m.empty();
  demand(id) = tracker_->add_request(static_cast<int>(r.model), 1000 * m.est(1), 1000 * exec_slo,
                                     1000 * load_slo);
  const SimTime deadline = r.arrival + exec_slo;
  m.push({id, deadline});
  ctx_->expire_at(id, deadline);
  if (load_expiry_) expiries_.emplace(r.arrival + load_slo, id);
  // Model::enqueue activates the model on every GPU. Only an arrival to an empty queue can
  // find inactive instances (an instance goes inactive only when it sees the queue empty).
  if (was_empty && !m.loaded_gpus.empty()) {
    activate_inactive(r.model);
    start_chain(r.model);
  }
  // An idle GPU (its last LOAD attempt found nothing) gains a candidate when a model it does
  // not hold gets its first outstanding request.
  if (!had_demand || only_unmet_) wake_idle_loaders(r.model);
}

void ClockworkPolicy::on_result(const ActionResult& res) {
  Gpu& gpu = gpus_[static_cast<std::size_t>(res.gpu)];
  Model& m = models_[res.model];
  const bool ok = res.status == ActionStatus::kOk;
  const SimTime now = ctx_->now();
  switch (res.type) {
    case ActionType::kInfer: {
      if (ok) {
        gpu.exec.success(res.tag, res.end);
        const auto i = static_cast<std::size_t>(zoo_batch_index(res.batch));
        m.windows[i].insert(res.end - res.start);
        m.estimate[i] = m.windows[i].percentile(percentile_);
      } else {
        gpu.exec.error(res.tag, now);
        ++infer_errors_;
      }
      for (RequestId id : res.requests)
        tracker_->completed(static_cast<int>(res.model), demand(id), res.gpu);
      ctx_->wake(res.gpu, Channel::kExec, now);
      break;
    }
    case ActionType::kLoad: {
      std::uint32_t& current = version(res.gpu, res.model);
      if (ok) {
        if (static_cast<std::uint32_t>(res.tag) == current) {  // the LOAD's version (its tag)
          assign(res.model, kLoaded, res.gpu, true);
          m.loaded_gpus.push_back(res.gpu);
        }
        tracker_->load_complete(static_cast<int>(res.model), res.gpu, true);
        gpu.load.success(res.tag, res.end);
        m.weights_window.insert(res.end - res.start);
        m.weights_estimate = m.weights_window.percentile(percentile_);
        activate(res.gpu, res.model);
        if (!m.empty()) ctx_->wake(res.gpu, Channel::kExec, now);
      } else {
        // set_error's `if (version = instance->version)` assigns, so it always resets.
        ++current;
        assign(res.model, kLoaded, res.gpu, false);
        tracker_->load_complete(static_cast<int>(res.model), res.gpu, false);
        gpu.free_pages += ctx_->models()[res.model].pages;
        gpu.load.error(res.tag, now);
        ++load_errors_;
      }
      ctx_->wake(res.gpu, Channel::kLoad, now);
      break;
    }
    case ActionType::kEvict:
      break;
  }
}

void ClockworkPolicy::on_timeout(RequestId id) {
  tracker_->cancelled(static_cast<int>(ctx_->request(id).model), demand(id));
}

void ClockworkPolicy::report(nlohmann::json& out) const {
  out["clockwork_infer_actions"] = infers_;
  out["clockwork_infer_errors"] = infer_errors_;
  out["clockwork_load_actions"] = loads_;
  out["clockwork_load_errors"] = load_errors_;
  out["clockwork_evict_actions"] = evicts_;
  out["clockwork_discarded_at_dequeue"] = discarded_;
}

}  // namespace clustersim::serving::clockwork

namespace clustersim::serving {
namespace {

using clockwork::ClockworkPolicy;

const bool registered = register_serving_policy(
    "clockwork",
    "Clockwork's INFER5 scheduler: latest-start-time batching, drops at SLO - 5 ms, "
    "demand-driven LOAD with LRU eviction",
    [](const ServingPolicyEnv& env) { return std::make_unique<ClockworkPolicy>(env.params); },
    {
        param::real("clockwork.schedule_ahead_ms", 5, "ms",
                    "schedule this far ahead of a GPU's timeline (Fig. 11 artifact: 5; code "
                    "default 10, 15 with generate_inputs)",
                    0, 1e6),
        param::real("clockwork.latest_delta_ms", 0, "ms",
                    "how late an action may start before the worker drops it (0 = "
                    "schedule_ahead, as the controller passes it)",
                    0, 1e6),
        param::integer("clockwork.max_batch", 8, "requests",
                       "largest batch size (code default and Fig. 11: 8; help text: 16)", 1, 16),
        param::real("clockwork.max_exec_ms", 25, "ms",
                    "batch sizes > 1 slower than this are not used (Fig. 11 and help text: 25; "
                    "code default 250)",
                    0, 1e6),
        param::real("clockwork.buffer_ms", 5, "ms", "aim this much before the SLO", 0, 1e6),
        param::integer("clockwork.estimate_window", 10, "samples",
                       "measurements per estimate window", 1, 64),
        param::real("clockwork.estimate_percentile", 0.99, "", "estimate = this percentile", 0, 1),
        param::real("clockwork.lag_ms", 10, "ms",
                    "worker lag after which the controller assumes outstanding work progresses", 0,
                    1e6),
        param::real("clockwork.future_ms", 1, "ms",
                    "assumed controller -> worker delay: nothing starts before now + future", 0,
                    1e6),
        param::real("clockwork.max_loadweights_slo_ms", 25, "ms",
                    "cap of a request's latest useful LOAD start", 0, 1e6),
        param::real("clockwork.send_by_slack_ms", 5, "ms",
                    "an INFER must start being sent by latest - this, else it fails locally", 0,
                    1e6),
        param::flag("clockwork.load_only_unmet_demand", false,
                    "load only models with unmet demand (intended; the code's pointer "
                    "comparison loads any model with outstanding requests)"),
        param::real("clockwork.tracker_period_ms", 10, "ms",
                    "the load tracker applies demand changes at a LOAD decision only if its last "
                    "update is this old (the original's tracker thread works in batches; 0 = "
                    "before every decision)",
                    0, 1e6),
        param::flag("clockwork.load_demand_expiry", false,
                    "let a request's load demand lapse at its latest useful LOAD start "
                    "(intended; the code records 0 for it)"),
    });

}  // namespace
}  // namespace clustersim::serving
