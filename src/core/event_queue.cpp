#include "clustersim/core/event_queue.hpp"

#include <set>

#include "clustersim/core/error.hpp"

namespace clustersim {

namespace {

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
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return top;
  }

 private:
  static constexpr std::size_t kArity = 4;
  std::vector<EventKey> heap_;

  void sift_up(std::size_t i) {
    EventKey k = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / kArity;
      if (!(k < heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }
  void sift_down(std::size_t i) {
    EventKey k = heap_[i];
    const std::size_t n = heap_.size();
    while (true) {
      std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      std::size_t last = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (heap_[c] < heap_[best]) best = c;
      }
      if (!(heap_[best] < k)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = k;
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

std::vector<std::string_view> event_queue_names() { return {"heap", "map"}; }

}  // namespace clustersim
