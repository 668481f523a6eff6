// The future-event set behind the Simulator, after ns-3's Scheduler: a small interface with
// interchangeable implementations. Entries are ordered by (time, seq); seq is unique and grows
// with every insertion, so entries with equal times leave in insertion order and every run is
// deterministic. Cancellation is the Simulator's business (lazy, O(1)); the queue only orders.
//
//   implementation  insert    pop                memory per entry
//   radix           O(1)      O(log T) amortised 16 bytes + bucket slack (monotone radix heap,
//                                                the default; ~56 bytes at peak in the hold
//                                                model with 10^6 pending)
//   heap            O(log n)  O(log n)           16 bytes (4-ary implicit heap)
//   map             O(log n)  O(log n)           ~64 bytes (std::set; a reference implementation)
//
// T is the spread of pending times in µs (an entry moves down at most 64 buckets in its life).
// bench/event_queue_bench.cpp measures them in the hold model.
// The radix heap needs keys at or after the last one it popped or peeked, which a discrete-event
// simulator gives (time never goes backwards); an earlier key (after run(until) peeked past
// `until`, say) is still accepted and ordered correctly, in a small side heap.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim {

/// 16 bytes: the time, and the insertion sequence number and the Simulator's record index packed
/// into one word (seq in the high kSeqBits, slot in the low kSlotBits). Since seq is unique,
/// comparing the packed word compares seq.
struct EventKey {
  static constexpr int kSlotBits = 28;  ///< up to 2^28 (268 M) records
  static constexpr int kSeqBits = 64 - kSlotBits;
  static constexpr std::uint64_t kMaxSlot = (std::uint64_t{1} << kSlotBits) - 1;
  static constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << kSeqBits) - 1;

  SimTime time = 0;
  std::uint64_t order = 0;  ///< seq << kSlotBits | slot

  EventKey() = default;
  /// Preconditions: seq <= kMaxSeq, slot <= kMaxSlot.
  EventKey(SimTime t, std::uint64_t seq, std::uint32_t slot)
      : time(t), order(seq << kSlotBits | slot) {}
  std::uint64_t seq() const { return order >> kSlotBits; }
  std::uint32_t slot() const { return static_cast<std::uint32_t>(order & kMaxSlot); }
  friend bool operator<(const EventKey& a, const EventKey& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  }
};

/// Keys a queue knows will reach the front soon, handed to its owner so it can prefetch what it
/// reads when they do (the owner's records are cold by then once the pending set outgrows the
/// caches). One call per batch, not per key.
struct Lookahead {
  void (*fn)(void* owner, const EventKey* keys, std::size_t n) = nullptr;
  void* owner = nullptr;
};

class EventQueue {
 public:
  virtual ~EventQueue() = default;
  /// Optional: a queue may never call it.
  virtual void set_lookahead(Lookahead) {}
  virtual void insert(const EventKey& key) = 0;
  virtual bool empty() const = 0;
  virtual std::size_t size() const = 0;
  /// Smallest key. Precondition: !empty().
  virtual const EventKey& peek() const = 0;
  /// Removes and returns the smallest key. Precondition: !empty().
  virtual EventKey pop() = 0;
  /// Removes and returns every key, in no particular order; the queue is then as new (a radix
  /// heap accepts any key again). Used to purge cancelled entries and to renumber seqs.
  virtual std::vector<EventKey> take_all() = 0;
};

/// Creates a queue by name ("radix", "heap" or "map"); throws InputError for other names.
std::unique_ptr<EventQueue> make_event_queue(std::string_view name = "radix");
/// Names accepted by make_event_queue, the default first.
std::vector<std::string_view> event_queue_names();

}  // namespace clustersim
