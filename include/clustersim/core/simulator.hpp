// Discrete-event simulator: a clock, a future-event set and a run loop (ns-3's
// DefaultSimulatorImpl in spirit). One Simulator per run; no global state.
//
// Contract:
//  * Events run in (time, scheduling order). An event scheduled for the current time from inside
//    an event runs after every event already pending for that time.
//  * cancel() is O(1) amortised: the event's callback is destroyed at once and its queue entry is
//    skipped when it reaches the front; once cancelled entries outnumber live ones the queue is
//    rebuilt without them, so policies that cancel and re-file far-future events at every step
//    keep it small.
//  * Time never goes backwards; scheduling in the past throws InvariantError.
//  * A callback is any callable `void()`. Callables of up to kInlineBytes (8-byte aligned: a
//    lambda capturing up to four pointers or integers, or a std::function) are stored in the
//    event's record, without a heap allocation; larger ones are boxed on the heap.
//
// Layout: the queue orders 16-byte keys (time, seq|slot); `slot` indexes a pool of 48-byte
// records (a stamp saying whether the slot holds a pending event and which incarnation, and the
// callback), so the queue never moves callbacks and an event costs one record read when it runs.
// Records live in chunks that never move: a callback runs in place even if it schedules events
// that grow the pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
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
  static constexpr std::size_t kInlineBytes = 32;

  explicit Simulator(std::unique_ptr<EventQueue> queue = make_event_queue());
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  SimTime now() const { return now_; }
  template <class F>
  EventId schedule_at(SimTime time, F&& fn);
  /// A time beyond the clock (now + delay > kForever, from input values such as a service time
  /// of 9e12 s arriving at 9e12 s) throws InputError instead of overflowing.
  template <class F>
  EventId schedule_in(SimTime delay, F&& fn) {
    if (delay > kForever - now_) throw_beyond_clock(delay);
    return schedule_at(now_ + delay, std::forward<F>(fn));
  }
  /// Cancels a pending event; no effect if it already ran or was cancelled.
  void cancel(EventId id);
  bool is_pending(EventId id) const {
    return id.slot < slots_ && record(id.slot).stamp == id.generation && (id.generation & 1);
  }

  /// Runs events until the queue is empty, stop() is called, or the next event is after `until`.
  void run(SimTime until = kForever);
  void stop() { stopped_ = true; }
  /// A run whose clock stops: more than `events` events in a row at one simulated time make
  /// run() throw InputError("simulated time stuck at t=...s ...: " + describe()). 0 = no check.
  void set_stall_limit(std::uint64_t events, std::function<std::string()> describe = {}) {
    stall_limit_ = events;
    describe_stall_ = std::move(describe);
  }

  /// Time of the earliest entry in the future-event set, a cancelled one included (so no live
  /// event is earlier); kForever when it is empty.
  SimTime next_time() const { return queue_->empty() ? kForever : queue_->peek().time; }
  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return live_; }
  /// Entries in the future-event set, cancelled ones not yet dropped included.
  std::size_t queued() const { return live_ + dead_; }

  /// Testing hook: the next event gets sequence number `seq` (> every seq used so far, so the
  /// order is unchanged). Lets a test reach the renumbering done when seqs run out (2^36 events).
  void skip_seq_for_testing(std::uint64_t seq);

 private:
  enum class Op { kRun, kDrop };  // kRun calls then destroys, kDrop only destroys
  struct Record {
    void (*op)(void* storage, Op) = nullptr;
    /// Odd while an event is pending in the slot; incremented when one is filed, run or
    /// cancelled. An EventId names the stamp its event was filed with.
    std::uint32_t stamp = 0;
    alignas(8) unsigned char storage[kInlineBytes];
  };
  static_assert(sizeof(Record) == 48);
  static constexpr int kChunkBits = 12;  // 4096 records (192 KiB) per chunk

  template <class Fn>
  static void inline_op(void* storage, Op op) {
    Fn& fn = *std::launder(static_cast<Fn*>(storage));
    struct Destroy {
      Fn& fn;
      ~Destroy() { fn.~Fn(); }
    } destroy{fn};
    if (op == Op::kRun) fn();
  }
  template <class Fn>
  static void boxed_op(void* storage, Op op) {
    std::unique_ptr<Fn> fn(*std::launder(static_cast<Fn**>(storage)));
    if (op == Op::kRun) (*fn)();
  }

  Record& record(std::uint32_t slot) const {
    return chunks_[slot >> kChunkBits][slot & ((1u << kChunkBits) - 1)];
  }
  std::uint32_t acquire_slot() {
    if (free_.empty()) return grow();
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  std::uint32_t grow();
  [[noreturn]] void throw_past(SimTime time) const;
  [[noreturn]] void throw_beyond_clock(SimTime delay) const;
  EventId file(Record& r, std::uint32_t slot, SimTime time) {
    const std::uint32_t stamp = ++r.stamp;  // odd: pending
    ++live_;
    if (next_seq_ > EventKey::kMaxSeq) rebuild(true);
    queue_->insert(EventKey(time, next_seq_++, slot));
    return EventId{slot, stamp};
  }
  void rebuild(bool renumber);

  std::unique_ptr<EventQueue> queue_;
  std::vector<std::unique_ptr<Record[]>> chunks_;
  std::size_t slots_ = 0;            ///< records handed out so far
  std::vector<std::uint32_t> free_;  ///< capacity kept >= slots_: push_back never throws
  SimTime now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;  ///< cancelled entries still in the queue
  bool stopped_ = false;
  std::uint64_t stall_limit_ = 0;
  std::uint64_t same_time_ = 0;  // events run in a row at now_
  std::function<std::string()> describe_stall_;
  [[noreturn]] void stalled() const;
};

template <class F>
EventId Simulator::schedule_at(SimTime time, F&& fn) {
  using Fn = std::decay_t<F>;
  if (time < now_) throw_past(time);
  const std::uint32_t slot = acquire_slot();
  Record& r = record(slot);
  if constexpr (sizeof(Fn) <= kInlineBytes && alignof(Fn) <= 8) {
    if constexpr (std::is_nothrow_constructible_v<Fn, F&&>) {
      ::new (static_cast<void*>(r.storage)) Fn(std::forward<F>(fn));
    } else {
      try {
        ::new (static_cast<void*>(r.storage)) Fn(std::forward<F>(fn));
      } catch (...) {
        free_.push_back(slot);
        throw;
      }
    }
    r.op = &inline_op<Fn>;
  } else {
    try {
      ::new (static_cast<void*>(r.storage)) Fn*(new Fn(std::forward<F>(fn)));
    } catch (...) {
      free_.push_back(slot);
      throw;
    }
    r.op = &boxed_op<Fn>;
  }
  return file(r, slot, time);
}

}  // namespace clustersim
