#include "clustersim/core/simulator.hpp"

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

namespace clustersim {

Simulator::Simulator(std::unique_ptr<EventQueue> queue) : queue_(std::move(queue)) {}

EventId Simulator::schedule_at(SimTime time, Callback cb) {
  if (time < now_) {
    throw InvariantError(fmt::format("event scheduled in the past: {} < now {}", time, now_));
  }
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(records_.size());
    records_.emplace_back();
  }
  Record& r = records_[slot];
  r.cb = std::move(cb);
  r.live = true;
  ++live_;
  queue_->insert(EventKey{time, next_seq_++, slot});
  return EventId{slot, r.generation};
}

void Simulator::cancel(EventId id) {
  if (!is_pending(id)) return;
  Record& r = records_[id.slot];
  r.live = false;
  r.cb = nullptr;
  --live_;
  // Cancelled entries wait in the queue until they reach the front; when they outnumber the
  // live ones (policies that reschedule every completion at every event), drop them so memory
  // stays proportional to the live events. Order is unchanged: keys keep their (time, seq).
  if (queue_->size() > 2 * live_ + 4096) compact();
}

void Simulator::compact() {
  std::vector<EventKey> keep;
  keep.reserve(live_);
  while (!queue_->empty()) {
    const EventKey k = queue_->pop();
    Record& r = records_[k.slot];
    if (r.live) {
      keep.push_back(k);
    } else {
      ++r.generation;
      if (r.generation == 0) r.generation = 1;
      free_.push_back(k.slot);
    }
  }
  for (const auto& k : keep)
    queue_->insert(k);
}

bool Simulator::is_pending(EventId id) const {
  return id.valid() && id.slot < records_.size() && records_[id.slot].generation == id.generation &&
         records_[id.slot].live;
}

void Simulator::run(SimTime until) {
  stopped_ = false;
  const bool bounded = until != kForever;  // nothing is later than kForever: skip the peek
  while (!stopped_ && !queue_->empty()) {
    if (bounded) {
      const EventKey& top = queue_->peek();
      if (records_[top.slot].live && top.time > until) break;
    }
    EventKey key = queue_->pop();
    Record& r = records_[key.slot];
    bool live = r.live;
    Callback cb = std::move(r.cb);
    r.cb = nullptr;
    r.live = false;
    ++r.generation;
    if (r.generation == 0) r.generation = 1;
    free_.push_back(key.slot);
    if (!live) continue;  // cancelled
    --live_;
    if (key.time < now_) throw InvariantError("simulated time went backwards");
    now_ = key.time;
    ++processed_;
    cb();
  }
}

}  // namespace clustersim
