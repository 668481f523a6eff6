#include "clustersim/core/simulator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

Simulator::Simulator(std::unique_ptr<EventQueue> queue) : queue_(std::move(queue)) {
  queue_->set_lookahead(Lookahead{[](void* owner, const EventKey* keys, std::size_t n) {
                                    const auto* self = static_cast<const Simulator*>(owner);
                                    for (std::size_t i = 0; i < n; ++i)
                                      __builtin_prefetch(&self->record(keys[i].slot()));
                                  },
                                  this});
}

Simulator::~Simulator() {
  for (std::size_t slot = 0; slot < slots_; ++slot) {
    Record& r = record(static_cast<std::uint32_t>(slot));
    if (r.stamp & 1) r.op(r.storage, Op::kDrop);
  }
}

std::uint32_t Simulator::grow() {
  const std::size_t slot = slots_;
  if (slot > EventKey::kMaxSlot) {
    throw InvariantError(fmt::format("more than {} events pending", EventKey::kMaxSlot + 1));
  }
  if ((slot >> kChunkBits) == chunks_.size())
    chunks_.push_back(std::make_unique<Record[]>(std::size_t{1} << kChunkBits));
  ++slots_;
  if (free_.capacity() < slots_) free_.reserve(2 * slots_);
  return static_cast<std::uint32_t>(slot);
}

void Simulator::throw_past(SimTime time) const {
  throw InvariantError(fmt::format("event scheduled in the past: {} < now {}", time, now_));
}

void Simulator::throw_beyond_clock(SimTime delay) const {
  throw InputError(fmt::format(
      "simulated time overflows: an event {:.6g} s after t = {:.6g} s is beyond the clock "
      "(about 292,000 years)",
      to_seconds(delay), to_seconds(now_)));
}

void Simulator::cancel(EventId id) {
  if (!is_pending(id)) return;
  Record& r = record(id.slot);
  ++r.stamp;  // even: no longer pending, before the destructor can re-enter
  r.op(r.storage, Op::kDrop);
  --live_;
  if (++dead_ > 1024 && dead_ > live_) rebuild(false);
}

// Drops cancelled entries (their slots are recycled as if popped); keys go back with their seq,
// so the order is unchanged. With `renumber`, the seqs are replaced by 0, 1, ... in (time, seq)
// order, which is the same order again.
void Simulator::rebuild(bool renumber) {
  std::vector<EventKey> keys = queue_->take_all();
  std::size_t kept = 0;
  for (const EventKey& key : keys) {
    if (record(key.slot()).stamp & 1) {
      keys[kept++] = key;
    } else {
      free_.push_back(key.slot());
    }
  }
  keys.resize(kept);
  dead_ = 0;
  if (renumber) {
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 0; i < keys.size(); ++i)
      keys[i] = EventKey(keys[i].time, i, keys[i].slot());
    next_seq_ = keys.size();
  }
  for (const EventKey& key : keys)
    queue_->insert(key);
}

void Simulator::skip_seq_for_testing(std::uint64_t seq) {
  if (seq < next_seq_) throw InvariantError("skip_seq_for_testing: sequence numbers only grow");
  next_seq_ = seq;
}

void Simulator::stalled() const {
  std::string what = fmt::format(
      "simulated time stuck at t={}s: {} events in a row without advancing (--stall-events)",
      to_seconds(now_), same_time_);
  if (describe_stall_) what += ": " + describe_stall_();
  throw InputError(what);
}

void Simulator::run(SimTime until) {
  stopped_ = false;
  const bool bounded = until != kForever;  // nothing is later than kForever: skip the peek
  while (!stopped_ && !queue_->empty()) {
    if (bounded) {
      const EventKey& top = queue_->peek();
      if ((record(top.slot()).stamp & 1) && top.time > until) break;
    }
    const EventKey key = queue_->pop();
    const std::uint32_t slot = key.slot();
    Record& r = record(slot);
    if (!(r.stamp & 1)) {  // cancelled: the callback is already gone
      --dead_;
      free_.push_back(slot);
      continue;
    }
    if (key.time < now_) throw InvariantError("simulated time went backwards");
    if (key.time != now_) {
      same_time_ = 0;
    } else if (++same_time_ > stall_limit_ && stall_limit_ > 0) {
      stalled();
    }
    ++r.stamp;
    --live_;
    now_ = key.time;
    ++processed_;
    // The slot is released after the callback, which runs in place (records never move) and
    // so must not find its own record handed to an event it schedules.
    struct Release {
      std::vector<std::uint32_t>& free;
      std::uint32_t slot;
      ~Release() { free.push_back(slot); }
    } release{free_, slot};
    r.op(r.storage, Op::kRun);
  }
}

}  // namespace clustersim
