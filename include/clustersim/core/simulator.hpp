// Discrete-event simulator: a clock, a future-event set and a run loop (ns-3's
// DefaultSimulatorImpl in spirit). One Simulator per run; no global state.
//
// Contract:
//  * Events run in (time, scheduling order). An event scheduled for the current time from inside
//    an event runs after every event already pending for that time.
//  * cancel() is O(1) amortised: the event's record is marked and skipped when it reaches the
//    front; once cancelled entries outnumber live ones the queue is rebuilt without them, so
//    policies that cancel and re-file far-future events at every step keep it small.
//  * Time never goes backwards; scheduling in the past throws InvariantError.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "clustersim/core/event_queue.hpp"
#include "clustersim/core/time.hpp"

namespace clustersim {

/// Handle to a scheduled event. Stale handles (event ran or was cancelled) are harmless.
struct EventId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  ///< 0 = never scheduled
  bool valid() const { return generation != 0; }
};

class Simulator {
 public:
  using Callback = std::function<void()>;

  explicit Simulator(std::unique_ptr<EventQueue> queue = make_event_queue());

  SimTime now() const { return now_; }
  EventId schedule_at(SimTime time, Callback cb);
  EventId schedule_in(SimTime delay, Callback cb) {
    return schedule_at(now_ + delay, std::move(cb));
  }
  /// Cancels a pending event; no effect if it already ran or was cancelled.
  void cancel(EventId id);
  bool is_pending(EventId id) const;

  /// Runs events until the queue is empty, stop() is called, or the next event is after `until`.
  void run(SimTime until = kForever);
  void stop() { stopped_ = true; }

  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return live_; }
  /// Entries in the future-event set, cancelled ones not yet dropped included.
  std::size_t queued() const { return live_ + dead_; }

 private:
  struct Record {
    Callback cb;
    std::uint32_t generation = 1;
    bool live = false;
  };
  void compact();

  std::unique_ptr<EventQueue> queue_;
  std::vector<Record> records_;
  std::vector<std::uint32_t> free_;
  SimTime now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;  ///< cancelled entries still in the queue
  bool stopped_ = false;
};

}  // namespace clustersim
