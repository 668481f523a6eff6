// The future-event set behind the Simulator, after ns-3's Scheduler: a small interface with
// interchangeable implementations. Entries are ordered by (time, seq); seq is unique and grows
// with every insertion, so entries with equal times leave in insertion order and every run is
// deterministic. Cancellation is the Simulator's business (lazy, O(1)); the queue only orders.
//
//   implementation  insert     pop        memory per entry
//   heap            O(log n)   O(log n)   24 bytes (4-ary implicit heap, the default)
//   map             O(log n)   O(log n)   ~64 bytes (std::set; a reference implementation)
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim {

struct EventKey {
  SimTime time;
  std::uint64_t seq;   ///< insertion order; breaks ties between equal times
  std::uint32_t slot;  ///< index of the event's record in the Simulator
  friend bool operator<(const EventKey& a, const EventKey& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
};

class EventQueue {
 public:
  virtual ~EventQueue() = default;
  virtual void insert(const EventKey& key) = 0;
  virtual bool empty() const = 0;
  virtual std::size_t size() const = 0;
  /// Smallest key. Precondition: !empty().
  virtual const EventKey& peek() const = 0;
  /// Removes and returns the smallest key. Precondition: !empty().
  virtual EventKey pop() = 0;
};

/// Creates a queue by name ("heap" or "map"); throws InputError for other names.
std::unique_ptr<EventQueue> make_event_queue(std::string_view name = "heap");
/// Names accepted by make_event_queue.
std::vector<std::string_view> event_queue_names();

}  // namespace clustersim
