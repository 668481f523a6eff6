#include "clustersim/core/event_queue.hpp"

#include <set>

#include "clustersim/core/error.hpp"

namespace clustersim {

namespace {

// (time, seq) order as one signed 128-bit comparison (time in the signed high half, seq in the
// unsigned low half), which compiles to cmp/sbb without branches. Heap children are in random
// order, so a branchy two-field comparison mispredicts about half the time.
__extension__ typedef __int128 I128;  // GCC/Clang builtin; __extension__ for -Wpedantic
inline I128 packed(const EventKey& k) {
  return (static_cast<I128>(k.time) << 64) | k.seq;
}
inline bool key_less(const EventKey& a, const EventKey& b) {
  return packed(a) < packed(b);
}

class HeapQueue final : public EventQueue {
 public:
  void insert(const EventKey& key) override {
    heap_.push_back(key);
    sift_up(heap_.size() - 1);
  }
  bool empty() const override { return heap_.empty(); }
  std::size_t size() const override { return heap_.size(); }
  const EventKey& peek() const override { return heap_.front(); }
  EventKey pop() override {
    EventKey top = heap_.front();
    const EventKey last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return top;
  }

 private:
  static constexpr std::size_t kArity = 4;
  std::vector<EventKey> heap_;

  void sift_up(std::size_t i) {
    EventKey k = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / kArity;
      if (!key_less(k, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }
  // Moves the hole at the root down to where `k` belongs. Nodes with all four children pick the
  // smallest child by a two-round tournament (independent comparisons, branch-free selects).
  void sift_down(const EventKey& k) {
    EventKey* h = heap_.data();
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    while (true) {
      const std::size_t c = i * kArity + 1;
      std::size_t best;
      if (c + kArity <= n) {
        const std::size_t b01 = key_less(h[c + 1], h[c]) ? c + 1 : c;
        const std::size_t b23 = key_less(h[c + 3], h[c + 2]) ? c + 3 : c + 2;
        best = key_less(h[b23], h[b01]) ? b23 : b01;
      } else if (c < n) {
        best = c;
        for (std::size_t j = c + 1; j < n; ++j)
          best = key_less(h[j], h[best]) ? j : best;
      } else {
        break;
      }
      if (!key_less(h[best], k)) break;
      h[i] = h[best];
      i = best;
    }
    h[i] = k;
  }
};

class MapQueue final : public EventQueue {
 public:
  void insert(const EventKey& key) override { set_.insert(key); }
  bool empty() const override { return set_.empty(); }
  std::size_t size() const override { return set_.size(); }
  const EventKey& peek() const override { return *set_.begin(); }
  EventKey pop() override {
    EventKey k = *set_.begin();
    set_.erase(set_.begin());
    return k;
  }

 private:
  std::set<EventKey> set_;
};

}  // namespace

std::unique_ptr<EventQueue> make_event_queue(std::string_view name) {
  if (name == "heap") return std::make_unique<HeapQueue>();
  if (name == "map") return std::make_unique<MapQueue>();
  throw InputError("unknown event queue '" + std::string(name) + "' (known: heap, map)");
}

std::vector<std::string_view> event_queue_names() {
  return {"heap", "map"};
}

}  // namespace clustersim
