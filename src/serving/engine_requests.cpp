// The serving engine's requests: the three merged streams (arrivals, admissions through the
// controller's CPU, timeouts), request slots and answers.
#include "engine_impl.hpp"

namespace clustersim::serving {

using namespace detail;

void ServingEngine::Impl::expire_at(RequestId id, SimTime at) {
  if (!alive(id)) throw InvariantError("expire_at on a request that is not live");
  const Request& r = reqs_[slot_of(id)];
  timeouts_.push(at - r.arrival, at, id);
}

RequestId ServingEngine::Impl::new_request(const Arrival& a) {
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

std::pair<RequestId, Arrival> ServingEngine::Impl::take_arrival() {
  const Arrival a = workload_.pop();
  if (a.model >= models_.size())
    throw InvariantError("workload produced a request for an unknown model");
  metrics_.on_arrival(a.time);
  ++arrivals_;
  return {new_request(a), a};
}

void ServingEngine::Impl::admit(RequestId id) {
  Request& r = reqs_[slot_of(id)];
  r.admitted = now_;
  r.copies_at_arrival = copies_[r.model];
  policy_.on_request(id);
}

RequestRecord ServingEngine::Impl::record(RequestId id) const {
  const Request& r = reqs_[slot_of(id)];
  RequestRecord rec;
  rec.id = seq_[slot_of(id)];
  rec.model = r.model;
  rec.zoo_model = models_[r.model].zoo;
  rec.arrival = r.arrival;
  rec.slo = r.slo;
  return rec;
}

void ServingEngine::Impl::answer(RequestId id, RequestOutcome outcome, SimTime departure, int batch,
                                 int gpu) {
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

SimTime ServingEngine::Impl::next_arrival() const {
  const SimTime t = workload_.peek();
  return t < workload_end_ ? t : kForever;
}

SimTime ServingEngine::Impl::next_source() const {
  SimTime t = std::min(timeouts_.next(), next_arrival());
  if (!admissions_.empty()) t = std::min(t, admissions_.front().first);
  return t;
}

void ServingEngine::Impl::process_source() {
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
    const auto [id, a] = take_arrival();
    if (admit_cost_ <= 0) {
      admit(id);
    } else if (pool_.start(now_) > now_ + cfg_.max_admission_wait) {
      // Shed at the controller's input: more than max_admission_wait of work is queued ahead
      // of it. Answered with a timeout at its deadline, no controller time.
      ++stats_.shed;
      answer(id, RequestOutcome::kTimeout, a.time + models_[a.model].slo, 0, -1);
      shed_while_saturated();
    } else {
      const SimTime done = pool_.submit(now_, admit_cost_);
      if (!admissions_.empty() && done < admissions_.back().first)
        throw InvariantError("admissions out of order");
      admissions_.emplace_back(done, id);
    }
  }
  drain_ready();
}

// The arrivals after a shed one that the run loop would shed one source at a time: those before
// every other source and every event (ties go to those, as in process_source and Simulator::run)
// while the controller stays saturated. Stops where the run loop has more to do than shed: an
// event-limit check that could fail, a progress report, --max-sim-time.
void ServingEngine::Impl::shed_while_saturated() {
  const SimTime admit = admissions_.empty() ? kForever : admissions_.front().first;
  const SimTime bound =
      std::min({timeouts_.next(), admit, sim_.next_time(), cfg_.limits.max_sim_time});
  while (true) {
    const SimTime t = next_arrival();
    if (t >= bound) return;
    const SimTime now = std::max(now_, t);
    if (pool_.start(now) <= now + cfg_.max_admission_wait) return;
    if (cfg_.limits.max_events && sim_.events_processed() + sources_ + 1 > cfg_.limits.max_events)
      return;
    if (progress_ && arrivals_ >= next_report_) return;
    now_ = now;
    ++sources_;
    const auto [id, a] = take_arrival();
    ++stats_.shed;
    answer(id, RequestOutcome::kTimeout, a.time + models_[a.model].slo, 0, -1);
  }
}

}  // namespace clustersim::serving
