#include "clustersim/serving/engine.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/core/simulator.hpp"

namespace clustersim::serving {

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

namespace {

enum RequestState : std::uint8_t { kFree = 0, kQueued = 1, kInInfer = 2 };

// FIFO pool of controller threads: an item submitted at t (in submission order, t
// non-decreasing) starts on the earliest free thread and its completion is returned. Kept in
// nanoseconds so fractional microsecond costs do not round away.
class CpuPool {
 public:
  explicit CpuPool(int threads) : free_ns_(static_cast<std::size_t>(std::max(threads, 1)), 0) {}
  /// When an item submitted at t would start.
  SimTime start(SimTime t) const {
    const std::int64_t free = *std::min_element(free_ns_.begin(), free_ns_.end());
    return std::max(t * 1000, free) / 1000;
  }
  SimTime submit(SimTime t, double cost_us) {
    auto it = std::min_element(free_ns_.begin(), free_ns_.end());
    const std::int64_t cost = std::llround(cost_us * 1000.0);
    const std::int64_t start = std::max(t * 1000, *it);
    *it = start + cost;
    busy_ns_ += cost;
    return (*it + 999) / 1000;
  }
  double busy_s() const { return static_cast<double>(busy_ns_) * 1e-9; }

 private:
  std::vector<std::int64_t> free_ns_;
  std::int64_t busy_ns_ = 0;
};

// Expiries in per-offset FIFOs: requests of one offset (expiry - arrival) are armed in arrival
// order, so each FIFO is sorted and the next expiry is the least of the FIFO fronts.
class TimeoutQueue {
 public:
  void push(SimTime offset, SimTime at, RequestId id) {
    if (offset != last_offset_ || last_ >= fifos_.size()) {
      auto [it, fresh] = index_.try_emplace(offset, fifos_.size());
      if (fresh) fifos_.emplace_back();
      last_offset_ = offset;
      last_ = it->second;
    }
    auto& f = fifos_[last_];
    if (!f.empty() && at < f.back().first)
      throw InvariantError("expire_at: expiries of one offset must not go back in time");
    f.emplace_back(at, id);
    if (at < next_) next_ = at, next_fifo_ = last_;
  }
  SimTime next() const { return next_; }
  std::pair<SimTime, RequestId> pop() {
    auto item = fifos_[next_fifo_].front();
    fifos_[next_fifo_].pop_front();
    next_ = kForever;
    for (std::size_t i = 0; i < fifos_.size(); ++i) {
      if (!fifos_[i].empty() && fifos_[i].front().first < next_)
        next_ = fifos_[i].front().first, next_fifo_ = i;
    }
    return item;
  }

 private:
  std::vector<std::deque<std::pair<SimTime, RequestId>>> fifos_;
  std::unordered_map<SimTime, std::size_t> index_;
  SimTime last_offset_ = -1;
  std::size_t last_ = SIZE_MAX;
  SimTime next_ = kForever;
  std::size_t next_fifo_ = 0;
};

struct ActionRec {
  ActionType type = ActionType::kInfer;
  ActionStatus status = ActionStatus::kOk;
  int gpu = 0;
  std::uint32_t model = 0;
  int padded = 0;
  std::vector<RequestId> requests;
  SimTime earliest = 0, latest = kForever, start = -1, end = -1;
  SimTime arrive = 0;  // at the worker
  std::uint32_t version = 0;
  std::uint64_t tag = 0;
};

struct WorkerChannel {
  std::deque<std::uint32_t> queue;  // action slots, in arrival order (some may not have arrived)
  bool busy = false;
  bool waiting = false;  // an event is due at the front action's arrival
  std::uint32_t current = 0;
};

struct Gpu {
  WorkerChannel channel[2];  // kExec, kLoad
  int free_pages = 0;
};

enum class AttemptState : std::uint8_t { kIdle, kReady, kTimer, kRunning };
struct Attempt {
  AttemptState state = AttemptState::kIdle;
  SimTime timer_at = kForever;
  EventId timer;
  SimTime rewake = kForever;  // asked for while running
};

}  // namespace

struct ServingEngine::Impl final : ServingContext {
  std::vector<ServedModel> models_;
  Workload& workload_;
  ServingPolicy& policy_;
  ServingMetrics& metrics_;
  ServingEngineConfig cfg_;
  Simulator sim_;
  CpuPool pool_;
  bool zero_cost_;
  double admit_cost_;
  RngStream noise_;
  ProgressFn progress_;

  SimTime now_ = 0;
  SimTime until_ = kForever;  // the current sim_.run bound
  SimTime workload_end_ = 0;

  // Requests.
  std::vector<Request> reqs_;
  std::vector<std::uint64_t> seq_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_ = 0;
  std::uint64_t arrivals_ = 0;
  std::deque<std::pair<SimTime, RequestId>> admissions_;  // completion of admission, sorted
  TimeoutQueue timeouts_;
  bool in_start_ = false;

  // Workers.
  std::vector<Gpu> gpus_;
  std::vector<std::uint8_t> weights_;   // gpu * M + model
  std::vector<std::uint32_t> version_;  // gpu * M + model
  std::vector<std::uint16_t> copies_;   // per model: GPUs holding its weights
  std::vector<ActionRec> actions_;
  std::vector<std::uint32_t> free_actions_;

  // Scheduling attempts.
  std::vector<Attempt> attempts_;              // gpu * 2 + channel
  std::deque<std::pair<int, Channel>> ready_;  // zero-cost attempts due now

  ServingRunStats stats_;
  std::uint64_t sources_ = 0;

  Impl(std::vector<ServedModel> models, Workload& w, ServingPolicy& p, ServingMetrics& m,
       ServingEngineConfig c)
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
    weights_.assign(cells, 0);
    version_.assign(cells, 0);
    copies_.assign(models_.size(), 0);
    attempts_.resize(gpus_.size() * 2);
  }

  // ---- ServingContext ----
  SimTime now() const override { return now_; }
  int gpu_count() const override { return cfg_.gpus; }
  int pages_per_gpu() const override { return cfg_.pages_per_gpu; }
  const std::vector<ServedModel>& models() const override { return models_; }
  const Request& request(RequestId id) const override { return reqs_[slot_of(id)]; }
  std::size_t request_slots() const override { return reqs_.size(); }

  bool alive(RequestId id) const override {
    const auto& r = reqs_[slot_of(id)];
    return r.state != kFree && r.generation == static_cast<std::uint32_t>(id >> 32);
  }
  std::size_t cell(int gpu, std::uint32_t model) const {
    return static_cast<std::size_t>(gpu) * models_.size() + model;
  }

  void check_target(int gpu, std::uint32_t model, const char* what) const {
    if (gpu < 0 || gpu >= cfg_.gpus || model >= models_.size())
      throw InvariantError(fmt::format("{}: gpu {} / model {} out of range", what, gpu, model));
  }

  std::uint32_t new_action() {
    if (!free_actions_.empty()) {
      const std::uint32_t a = free_actions_.back();
      free_actions_.pop_back();
      return a;
    }
    actions_.emplace_back();
    return static_cast<std::uint32_t>(actions_.size() - 1);
  }

  // Sends an action: controller CPU, then the network; a send that cannot start by send_by fails.
  void dispatch(std::uint32_t a, SimTime send_by, SimTime error_at) {
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

  void send(InferAction act) override {
    check_target(act.gpu, act.model, "INFER");
    const int n = static_cast<int>(act.requests.size());
    const int padded = padded_batch_size(n);
    if (n == 0 || padded == 0)
      throw InvariantError(fmt::format("INFER of {} requests (1..16 allowed)", n));
    for (RequestId id : act.requests) {
      if (!alive(id) || reqs_[slot_of(id)].state != kQueued ||
          reqs_[slot_of(id)].model != act.model)
        throw InvariantError("INFER with a request that is not queued for its model");
      reqs_[slot_of(id)].state = kInInfer;
    }
    const std::uint32_t a = new_action();
    ActionRec& r = actions_[a];
    r.type = ActionType::kInfer;
    r.status = ActionStatus::kOk;
    r.gpu = act.gpu;
    r.model = act.model;
    r.padded = padded;
    r.requests.swap(act.requests);
    r.earliest = act.earliest;
    r.latest = act.latest;
    r.start = r.end = -1;
    r.tag = act.tag;
    dispatch(a, act.send_by, act.error_at);
  }

  void send(const LoadAction& act) override {
    check_target(act.gpu, act.model, "LOAD");
    const std::uint32_t a = new_action();
    ActionRec& r = actions_[a];
    r.type = ActionType::kLoad;
    r.status = ActionStatus::kOk;
    r.gpu = act.gpu;
    r.model = act.model;
    r.padded = 0;
    r.requests.clear();
    r.earliest = act.earliest;
    r.latest = act.latest;
    r.start = r.end = -1;
    r.tag = act.tag;
    dispatch(a, kForever, 0);
  }

  void send(const EvictAction& act) override {
    check_target(act.gpu, act.model, "EVICT");
    const std::uint32_t a = new_action();
    ActionRec& r = actions_[a];
    r.type = ActionType::kEvict;
    r.status = ActionStatus::kOk;
    r.gpu = act.gpu;
    r.model = act.model;
    r.padded = 0;
    r.requests.clear();
    r.earliest = 0;
    r.latest = kForever;
    r.start = r.end = -1;
    r.tag = act.tag;
    dispatch(a, kForever, 0);
  }

  void expire_at(RequestId id, SimTime at) override {
    if (!alive(id)) throw InvariantError("expire_at on a request that is not live");
    const Request& r = reqs_[slot_of(id)];
    timeouts_.push(at - r.arrival, at, id);
  }

  void preload(int gpu, std::uint32_t model) override {
    if (!in_start_) throw InvariantError("preload outside ServingPolicy::start");
    check_target(gpu, model, "preload");
    const std::size_t c = cell(gpu, model);
    if (weights_[c]) return;
    Gpu& g = gpus_[static_cast<std::size_t>(gpu)];
    if (g.free_pages < models_[model].pages)
      throw InputError(fmt::format("static placement: model {} ({} pages) does not fit on GPU {}",
                                   model, models_[model].pages, gpu));
    g.free_pages -= models_[model].pages;
    weights_[c] = 1;
    version_[c] = 1;
    ++copies_[model];
  }

  void wake(int gpu, Channel ch, SimTime at) override {
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
      attempts_[static_cast<std::size_t>(gpu) * 2 + static_cast<int>(ch)].state =
          AttemptState::kIdle;
      make_ready(gpu, ch);
      leave();
    });
  }

  // ---- attempts ----
  void make_ready(int gpu, Channel ch) {
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

  void run_attempt(int gpu, Channel ch) {
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

  void drain_ready() {
    while (!ready_.empty()) {
      auto [gpu, ch] = ready_.front();
      ready_.pop_front();
      run_attempt(gpu, ch);
    }
  }

  // ---- event bookkeeping ----
  void enter() { now_ = sim_.now(); }
  void leave() {
    drain_ready();
    if (next_source() < until_) sim_.stop();
  }

  // ---- workers ----
  SimTime noisy(SimTime base, double sigma) {
    if (sigma <= 0) return base;
    const double f = noise_.lognormal(-0.5 * sigma * sigma, sigma);
    return std::max<SimTime>(1, static_cast<SimTime>(std::llround(static_cast<double>(base) * f)));
  }

  void on_worker_arrive(int gpu, int ch) {
    enter();
    gpus_[static_cast<std::size_t>(gpu)].channel[ch].waiting = false;
    start_next(gpu, ch);
    leave();
  }

  void start_next(int gpu, int ch) {
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
  bool start(std::uint32_t a) {
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
        if (!weights_[c]) return fail(ActionStatus::kWeightsMissing);
        r.version = version_[c];
        r.end =
            now_ + noisy(m.profile->exec_us[static_cast<std::size_t>(zoo_batch_index(r.padded))],
                         cfg_.exec_noise_sigma);
        return true;
      case ActionType::kLoad:
        if (now_ > r.latest) return fail(ActionStatus::kTooLate);
        if (!weights_[c]) {
          if (g.free_pages < m.pages) return fail(ActionStatus::kNoPages);
          g.free_pages -= m.pages;
        }
        r.version = ++version_[c];
        r.end = now_ + noisy(m.profile->load_us, cfg_.load_noise_sigma);
        return true;
      case ActionType::kEvict:
        if (!weights_[c]) return fail(ActionStatus::kNotCached);
        ++version_[c];
        weights_[c] = 0;
        g.free_pages += m.pages;
        --copies_[r.model];
        r.end = now_;
        to_controller(a, now_ + cfg_.network);
        return false;
    }
    return false;
  }

  void on_worker_end(int gpu, int ch) {
    enter();
    WorkerChannel& wc = gpus_[static_cast<std::size_t>(gpu)].channel[ch];
    const std::uint32_t a = wc.current;
    wc.busy = false;
    ActionRec& r = actions_[a];
    const std::size_t c = cell(r.gpu, r.model);
    if (r.type == ActionType::kInfer) {
      if (version_[c] != r.version || !weights_[c]) r.status = ActionStatus::kWeightsChanged;
    } else if (version_[c] == r.version) {
      if (!weights_[c]) ++copies_[r.model];
      weights_[c] = 1;
    } else {
      r.status = ActionStatus::kWeightsChanged;
    }
    to_controller(a, now_ + cfg_.network);
    start_next(gpu, ch);
    leave();
  }

  // ---- results at the controller ----
  void to_controller(std::uint32_t a, SimTime at) {
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

  void process_result(std::uint32_t a) {
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

  // ---- requests ----
  RequestId new_request(const Arrival& a) {
    std::uint32_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(reqs_.size());
      reqs_.emplace_back();
      seq_.push_back(0);
    }
    Request& r = reqs_[slot];
    r.arrival = a.time;
    r.admitted = a.time;
    r.model = a.model;
    r.client = a.client;
    r.slo = models_[a.model].slo;
    r.state = kQueued;
    ++r.generation;
    seq_[slot] = arrivals_;
    if (++live_ > stats_.peak_live_requests) stats_.peak_live_requests = live_;
    if (live_ > cfg_.max_live_requests)
      throw InputError(fmt::format(
          "more than {} requests waiting at t={} s (serving.max_live_requests): the policy "
          "cannot keep up with this workload",
          cfg_.max_live_requests, to_seconds(now_)));
    return (static_cast<RequestId>(r.generation) << 32) | slot;
  }

  void admit(RequestId id) {
    Request& r = reqs_[slot_of(id)];
    r.admitted = now_;
    r.copies_at_arrival = copies_[r.model];
    policy_.on_request(id);
  }

  RequestRecord record(RequestId id) const {
    const Request& r = reqs_[slot_of(id)];
    RequestRecord rec;
    rec.id = seq_[slot_of(id)];
    rec.model = r.model;
    rec.zoo_model = models_[r.model].zoo;
    rec.arrival = r.arrival;
    rec.slo = r.slo;
    return rec;
  }

  void answer(RequestId id, RequestOutcome outcome, SimTime departure, int batch, int gpu) {
    Request& r = reqs_[slot_of(id)];
    RequestRecord rec = record(id);
    rec.departure = departure;
    rec.outcome = outcome;
    rec.batch = batch;
    rec.gpu = gpu;
    rec.cold_start =
        outcome == RequestOutcome::kOk && r.copies_at_arrival == 0 && copies_[r.model] > 0;
    metrics_.on_answer(rec);
    const std::uint32_t client = r.client;
    r.state = kFree;
    free_slots_.push_back(slot_of(id));
    --live_;
    if (client != kNoClient) workload_.on_response(client, departure);
  }

  // ---- the three merged streams ----
  SimTime next_arrival() const {
    const SimTime t = workload_.peek();
    return t < workload_end_ ? t : kForever;
  }
  SimTime next_source() const {
    SimTime t = std::min(timeouts_.next(), next_arrival());
    if (!admissions_.empty()) t = std::min(t, admissions_.front().first);
    return t;
  }

  void process_source() {
    const SimTime t_timeout = timeouts_.next();
    const SimTime t_admit = admissions_.empty() ? kForever : admissions_.front().first;
    const SimTime t_arrival = next_arrival();
    const SimTime t = std::min({t_timeout, t_admit, t_arrival});
    now_ = std::max(now_, t);
    ++sources_;
    if (t_timeout == t) {
      auto [at, id] = timeouts_.pop();
      if (alive(id) && reqs_[slot_of(id)].state == kQueued) {
        policy_.on_timeout(id);
        answer(id, RequestOutcome::kTimeout, std::max(at, reqs_[slot_of(id)].admitted), 0, -1);
      }
    } else if (t_admit == t) {
      const RequestId id = admissions_.front().second;
      admissions_.pop_front();
      admit(id);
    } else {
      const Arrival a = workload_.pop();
      if (a.model >= models_.size())
        throw InvariantError("workload produced a request for an unknown model");
      metrics_.on_arrival(a.time);
      ++arrivals_;
      const RequestId id = new_request(a);
      if (admit_cost_ <= 0) {
        admit(id);
      } else if (pool_.start(now_) > now_ + cfg_.max_admission_wait) {
        // Shed at the controller's input: more than max_admission_wait of work is queued ahead
        // of it. Answered with a timeout at its deadline, no controller time.
        ++stats_.shed;
        answer(id, RequestOutcome::kTimeout, a.time + models_[a.model].slo, 0, -1);
      } else {
        const SimTime done = pool_.submit(now_, admit_cost_);
        if (!admissions_.empty() && done < admissions_.back().first)
          throw InvariantError("admissions out of order");
        admissions_.emplace_back(done, id);
      }
    }
    drain_ready();
  }

  ServingRunStats run() {
    workload_end_ = workload_.end();
    const SimTime hard_end = workload_end_ == kForever ? kForever : workload_end_ + cfg_.drain;
    in_start_ = true;
    policy_.start(*this);
    in_start_ = false;
    drain_ready();
    std::uint64_t next_report = 1 << 16;
    sim_.set_stall_limit(cfg_.limits.stall_events);
    while (true) {
      until_ = std::min(next_source(), hard_end);
      if (until_ > cfg_.limits.max_sim_time && until_ != kForever)
        until_ = cfg_.limits.max_sim_time;
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
      if (progress_ && arrivals_ >= next_report) {
        next_report = arrivals_ + (1 << 16);
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
};

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
