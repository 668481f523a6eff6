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
#include <algorithm>
#include <bit>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

#include "clockwork_tracker.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/serving/policy.hpp"

namespace clustersim::serving {
namespace {

using clockwork::LoadTracker;
using clockwork::SlidingWindow;
using clockwork::WorkerTracker;

SimTime ms_param(const Params& p, const std::string& key) {
  return static_cast<SimTime>(std::llround(p.get_double(key) * 1000.0));
}

struct Entry {
  RequestId id;
  SimTime deadline;
};

struct Model {
  std::vector<int> sizes;             // supported batch sizes, ascending
  std::array<SimTime, 5> estimate{};  // by zoo batch index, microseconds
  std::array<SlidingWindow, 5> windows;
  SimTime weights_estimate = 0;
  SlidingWindow weights_window;
  SimTime b1 = 0;           // estimate(1) at start (slo_factor)
  std::deque<Entry> queue;  // every queued request once; queue i = [head[i], end)
  std::uint64_t base = 0;   // index of queue.front()
  std::array<std::uint64_t, 5> head{};
  std::vector<int> loaded_gpus;
  // The GPU asked to take a request that arrived to an empty queue (see on_request).
  int chain_gpu = -1;
  std::uint32_t chain_start = 0, chain_step = 0, rr = 0;
  std::uint64_t end() const { return base + queue.size(); }
  bool empty() const { return sizes.empty() || head[0] >= end(); }
  SimTime est(int b) const { return estimate[static_cast<std::size_t>(zoo_batch_index(b))]; }
};

struct Instance {
  bool loaded = false, loading = false, active = false;
  std::uint32_t version = 0;
  std::uint32_t gen = 0;  // bumped when the instance's strategies are removed
};

struct Strategy {
  SimTime priority;
  int batch;
  std::uint32_t model;
  std::uint32_t gen;
  friend bool operator>(const Strategy& a, const Strategy& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.batch != b.batch) return a.batch > b.batch;
    return a.model > b.model;
  }
};

struct Gpu {
  WorkerTracker exec, load;
  int free_pages = 0;
  std::vector<Strategy> heap;          // min-heap with lazy removal (Strategy::gen)
  std::vector<std::uint64_t> pending;  // bit per model: activated, strategies not computed
  std::vector<std::uint32_t> chained;  // models whose wake chain waits on this GPU
  bool load_idle = false;
  Gpu(SimTime lag, SimTime future) : exec(lag, future), load(lag, future) {}
};

class ClockworkPolicy final : public ServingPolicy {
 public:
  explicit ClockworkPolicy(const Params& p)
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
        tracker_period_(static_cast<SimTime>(
            std::llround(p.get_double("clockwork.tracker_period_ms") * 1000.0))),
        load_expiry_(p.get_bool("clockwork.load_demand_expiry")) {}

  void start(ServingContext& ctx) override {
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
      gpus_.back().pending.assign((served.size() + 63) / 64, 0);
      gpus_.back().free_pages = ctx.pages_per_gpu();
      gpus_.back().load_idle = true;
      idle_.push_back(g);
    }
    instances_.resize(static_cast<std::size_t>(G) * served.size());
    tracker_ =
        std::make_unique<LoadTracker>(G, static_cast<int>(served.size()),
                                      1000 * slo_capacity(served), only_unmet_, tracker_period_);
  }

  void on_request(RequestId id) override {
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
    m.queue.push_back({id, deadline});
    ctx_->expire_at(id, deadline);
    if (load_expiry_) expiries_.emplace(r.arrival + load_slo, id);
    // Model::enqueue activates the model on every GPU. Only an arrival to an empty queue can
    // find inactive instances (an instance goes inactive only when it sees the queue empty).
    if (was_empty && !m.loaded_gpus.empty()) {
      for (int g : m.loaded_gpus)
        activate(g, r.model);
      start_chain(r.model);
    }
    // An idle GPU (its last LOAD attempt found nothing) gains a candidate when a model it does
    // not hold gets its first outstanding request.
    if (!had_demand || only_unmet_) wake_idle_loaders(r.model);
  }

  bool schedule(int g, Channel ch) override {
    return ch == Channel::kExec ? schedule_infer(g) : schedule_load(g);
  }

  void on_result(const ActionResult& res) override {
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
        Instance& inst = instance(res.gpu, res.model);
        const auto it = load_versions_.find(res.tag);
        const std::uint32_t version = it->second;
        load_versions_.erase(it);
        if (ok) {
          if (version == inst.version) {
            inst.loaded = true;
            inst.loading = false;
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
          ++inst.version;
          inst.loading = inst.loaded = false;
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

  void on_timeout(RequestId id) override {
    tracker_->cancelled(static_cast<int>(ctx_->request(id).model), demand(id));
  }

  void report(nlohmann::json& out) const override {
    out["clockwork_infer_actions"] = infers_;
    out["clockwork_infer_errors"] = infer_errors_;
    out["clockwork_load_actions"] = loads_;
    out["clockwork_load_errors"] = load_errors_;
    out["clockwork_evict_actions"] = evicts_;
    out["clockwork_discarded_at_dequeue"] = discarded_;
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
  std::vector<Instance> instances_;  // gpu * M + model
  std::unique_ptr<LoadTracker> tracker_;
  std::vector<LoadTracker::Demand> demands_;  // by request slot
  std::vector<int> idle_;                     // GPUs whose last LOAD attempt found no model
  std::priority_queue<std::pair<SimTime, RequestId>, std::vector<std::pair<SimTime, RequestId>>,
                      std::greater<>>
      expiries_;
  std::unordered_map<std::uint64_t, std::uint32_t> load_versions_;  // LOAD tag -> version
  std::uint64_t next_tag_ = 1;
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
  Instance& instance(int g, std::uint32_t m) {
    return instances_[static_cast<std::size_t>(g) * models_.size() + m];
  }

  // ModelInstance::activate: the GPU computes the instance's strategies on its next attempt.
  void activate(int g, std::uint32_t m) {
    Instance& inst = instance(g, m);
    if (inst.active) return;
    inst.active = true;
    gpus_[static_cast<std::size_t>(g)].pending[m / 64] |= std::uint64_t{1} << (m % 64);
  }

  bool has_room(int g) {
    const SimTime now = ctx_->now();
    return gpus_[static_cast<std::size_t>(g)].exec.available(now) < now + schedule_ahead_;
  }

  // The original's infer threads visit every GPU that holds the model; the first with room in
  // its timeline takes the request, the others find the queue empty and deactivate the model.
  // Here the holders are asked one at a time (round-robin from the last transition), the next
  // only if the previous left requests queued; holders not asked see the activation at their
  // next attempt, as the original's would at their next visit.
  void start_chain(std::uint32_t m) {
    Model& md = models_[m];
    md.chain_start = md.rr++ % static_cast<std::uint32_t>(md.loaded_gpus.size());
    md.chain_step = 0;
    md.chain_gpu = -1;
    advance_chain(m);
  }

  void advance_chain(std::uint32_t m) {
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

  void finish_chains(int g) {
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

  void wake_idle_loaders(std::uint32_t m) {
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

  // Model::new_strategies + GPU::add_model_strategies. The GPU always picks the smallest
  // (priority, batch, model) and then removes every strategy of that instance, so only each
  // instance's smallest strategy can ever be picked: the heap keeps just that one.
  void add_strategies(int g, std::uint32_t m, int max_batch) {
    Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
    Instance& inst = instance(g, m);
    const Model& md = models_[m];
    Strategy best{0, 0, m, inst.gen};
    for (std::size_t i = 0; i < md.sizes.size(); ++i) {
      const std::uint64_t h = md.head[i];
      if (h >= md.end() || md.sizes[i] > max_batch) continue;
      const SimTime priority = md.queue[h - md.base].deadline - md.est(md.sizes[i]);
      if (best.batch == 0 || priority < best.priority) {
        best.priority = priority;
        best.batch = md.sizes[i];
      }
    }
    if (best.batch == 0) {
      inst.active = false;
      return;
    }
    gpu.heap.push_back(best);
    std::push_heap(gpu.heap.begin(), gpu.heap.end(), std::greater<>());
  }

  // Model::try_dequeue: the requests of one INFER, or none.
  std::vector<RequestId> try_dequeue(Model& md, SimTime free_at, int min_batch) {
    const std::size_t n = md.sizes.size();
    for (std::size_t i = 0; i < n; ++i) {
      const SimTime completion = free_at + md.est(md.sizes[i]);
      while (md.head[i] < md.end() && md.queue[md.head[i] - md.base].deadline < completion) {
        ++md.head[i];
        if (i == 0) ++discarded_;
      }
    }
    auto size = [&](std::size_t i) { return md.end() - md.head[i]; };
    std::size_t i = 0;
    while (i + 1 < n && size(i + 1) >= static_cast<std::uint64_t>(md.sizes[i + 1]))
      ++i;
    std::vector<RequestId> batch;
    const int b = md.sizes[i];
    if (b < min_batch || size(i) < static_cast<std::uint64_t>(b)) return batch;
    const std::uint64_t first = md.head[i];
    for (std::uint64_t k = first; k < first + static_cast<std::uint64_t>(b); ++k)
      batch.push_back(md.queue[k - md.base].id);
    // Catch up every queue past the last request taken; requests left behind are dropped.
    const std::uint64_t next = first + static_cast<std::uint64_t>(b);
    for (std::size_t j = 0; j < n; ++j)
      md.head[j] = std::max(md.head[j], next);
    return batch;
  }

  static void trim(Model& md) {
    std::uint64_t low = md.end();
    for (std::size_t j = 0; j < md.sizes.size(); ++j)
      low = std::min(low, md.head[j]);
    while (md.base < low) {
      md.queue.pop_front();
      ++md.base;
    }
  }

  bool schedule_infer(int g) {
    const bool sent = infer_pass(g);
    if (!sent) finish_chains(g);
    return sent;
  }

  // GPU::schedule_infer: at most one INFER.
  bool infer_pass(int g) {
    Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
    for (std::size_t w = 0; w < gpu.pending.size(); ++w) {
      while (gpu.pending[w]) {
        const int bit = std::countr_zero(gpu.pending[w]);
        gpu.pending[w] &= gpu.pending[w] - 1;
        const auto m = static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(bit));
        if (models_[m].empty())
          instance(g, m).active = false;  // what add_strategies would conclude
        else
          add_strategies(g, m, INT32_MAX);
      }
    }
    const SimTime now = ctx_->now();
    while (!gpu.heap.empty()) {
      const SimTime exec_at = gpu.exec.available(now);
      if (exec_at >= now + schedule_ahead_) {
        ctx_->wake(g, Channel::kExec, exec_at - schedule_ahead_ + 1);
        return false;
      }
      std::pop_heap(gpu.heap.begin(), gpu.heap.end(), std::greater<>());
      const Strategy s = gpu.heap.back();
      gpu.heap.pop_back();
      Instance& inst = instance(g, s.model);
      if (s.gen != inst.gen) continue;  // removed earlier
      ++inst.gen;                       // removes the instance's other strategies
      if (!inst.loaded) {
        inst.active = false;
        continue;
      }
      Model& md = models_[s.model];
      std::vector<RequestId> batch = try_dequeue(md, exec_at, s.batch);
      trim(md);
      if (batch.empty()) {
        add_strategies(g, s.model, s.batch - 1);
        continue;
      }
      send_infer(g, s.model, std::move(batch), exec_at);
      add_strategies(g, s.model, INT32_MAX);
      return true;
    }
    return false;
  }

  void send_infer(int g, std::uint32_t m, std::vector<RequestId> batch, SimTime exec_at) {
    Gpu& gpu = gpus_[static_cast<std::size_t>(g)];
    const SimTime now = ctx_->now();
    const SimTime duration = models_[m].est(static_cast<int>(batch.size()));
    InferAction a;
    a.gpu = g;
    a.model = m;
    a.earliest = now;
    a.latest = std::max(now + future_ + latest_delta_, exec_at + latest_delta_);
    a.send_by = std::max(now + future_, a.latest - send_slack_);
    a.error_at = a.latest + duration;
    a.tag = next_tag_++;
    gpu.exec.add(a.tag, duration, now);
    for (RequestId id : batch)
      tracker_->executing(static_cast<int>(m), demand(id), g);
    a.requests = std::move(batch);
    ++infers_;
    ctx_->send(std::move(a));
  }

  void expire_load_demand(SimTime now) {
    while (!expiries_.empty() && expiries_.top().first < now) {
      const RequestId id = expiries_.top().second;
      expiries_.pop();
      if (ctx_->alive(id))
        tracker_->load_expired(static_cast<int>(ctx_->request(id).model), demand(id));
    }
  }

  bool schedule_load(int g) {
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
      Instance& v = instance(g, static_cast<std::uint32_t>(victim));
      ++v.version;
      v.loading = v.loaded = false;
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
    Instance& inst = instance(g, model);
    inst.loading = true;
    inst.loaded = false;
    LoadAction a;
    a.gpu = g;
    a.model = model;
    a.earliest = now;
    a.latest = std::max(now + future_ + latest_delta_, available + latest_delta_);
    a.tag = next_tag_++;
    load_versions_[a.tag] = ++inst.version;
    gpu.load.add(a.tag, models_[model].weights_estimate, now);
    ++loads_;
    ctx_->send(a);
    return true;
  }
};

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
