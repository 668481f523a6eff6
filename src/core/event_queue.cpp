#include "clustersim/core/event_queue.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "clustersim/core/error.hpp"

namespace clustersim {

namespace {

// (time, seq) order as one signed 128-bit comparison (time in the signed high half, the packed
// seq|slot word in the unsigned low half), which compiles to cmp/sbb without branches. Heap
// children are in random order, so a branchy two-field comparison mispredicts about half the time.
__extension__ typedef __int128 I128;  // GCC/Clang builtin; __extension__ for -Wpedantic
inline I128 packed(const EventKey& k) {
  return (static_cast<I128>(k.time) << 64) | k.order;
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
  std::vector<EventKey> take_all() override { return std::exchange(heap_, {}); }

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

// Monotone radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) on the time, with bucket 0 kept in
// seq order. Times are mapped to unsigned words in the same order (sign bit flipped). Bucket 0
// holds the keys at time last_ (the last time popped or peeked), consumed from head_; bucket
// b >= 1 holds keys whose time first differs from last_ at bit b - 1. When bucket 0 runs out,
// the lowest non-empty bucket is scanned for its smallest time, which becomes last_, and its keys
// are spread over the buckets below it. Inserts and spreads append to vectors, so the work is
// sequential memory traffic rather than a heap's random walk: the reason it beats a heap once
// the pending set outgrows the caches.
class RadixQueue final : public EventQueue {
 public:
  void insert(const EventKey& key) override {
    ++size_;
    const std::uint64_t u = biased(key.time);
    if (u < last_) {  // before the front (see event_queue.hpp): a small side heap
      early_.push_back(key);
      std::push_heap(early_.begin(), early_.end(), later);
      return;
    }
    if (u == last_) {
      insert_front(key);
      return;
    }
    put(u, key);
  }
  bool empty() const override { return size_ == 0; }
  std::size_t size() const override { return size_; }
  const EventKey& peek() const override {
    if (!early_.empty()) return early_.front();
    if (head_ == buckets_[0].size()) refill();
    return buckets_[0][head_];
  }
  EventKey pop() override {
    --size_;
    if (!early_.empty()) {
      std::pop_heap(early_.begin(), early_.end(), later);
      const EventKey key = early_.back();
      early_.pop_back();
      return key;
    }
    if (head_ == buckets_[0].size()) refill();
    return buckets_[0][head_++];
  }
  void set_lookahead(Lookahead l) override { lookahead_ = l; }
  std::vector<EventKey> take_all() override {
    std::vector<EventKey> keys = std::move(early_);
    early_.clear();
    keys.insert(keys.end(), buckets_[0].begin() + static_cast<std::ptrdiff_t>(head_),
                buckets_[0].end());
    for (auto& b : buckets_) {
      if (&b != &buckets_[0]) keys.insert(keys.end(), b.begin(), b.end());
      b.clear();
    }
    head_ = 0;
    last_ = 0;
    mask_ = 0;
    size_ = 0;
    return keys;
  }

 private:
  static constexpr int kBuckets = 65;
  // The lowest bucket's keys are the next to leave; below this size they are announced.
  static constexpr std::size_t kLookahead = 128;
  // A spread bucket gives back its memory above this many keys: the big ones are mostly left by
  // the first spreads of a large initial fill and would otherwise hold several times the keys.
  static constexpr std::size_t kKeepCapacity = 4096;
  Lookahead lookahead_;
  mutable std::vector<EventKey> buckets_[kBuckets];
  mutable std::size_t head_ = 0;    ///< keys of bucket 0 before head_ are popped
  mutable std::uint64_t last_ = 0;  ///< biased time of bucket 0
  mutable std::uint64_t mask_ = 0;  ///< bit b - 1 set iff bucket b >= 1 is not empty
  std::vector<EventKey> early_;     ///< min-heap of keys before last_
  std::size_t size_ = 0;

  static std::uint64_t biased(SimTime t) {
    return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63);
  }
  static bool later(const EventKey& a, const EventKey& b) { return key_less(b, a); }

  void put(std::uint64_t u, const EventKey& key) const {
    const int b = 64 - __builtin_clzll(u ^ last_);  // u != last_
    buckets_[b].push_back(key);
    mask_ |= std::uint64_t{1} << (b - 1);
  }
  // A new key at last_ has the largest seq so far and goes at the end. Only keys put back by
  // the Simulator after take_all() can arrive out of seq order; they are inserted in place.
  void insert_front(const EventKey& key) const {
    auto& front = buckets_[0];
    if (head_ > 1024 && head_ * 2 > front.size()) {  // drop the popped prefix
      front.erase(front.begin(), front.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    if (front.size() == head_ || front.back().order < key.order) {
      front.push_back(key);
      return;
    }
    auto at =
        std::upper_bound(front.begin() + static_cast<std::ptrdiff_t>(head_), front.end(), key,
                         [](const EventKey& a, const EventKey& b) { return a.order < b.order; });
    front.insert(at, key);
  }
  // Precondition: bucket 0 consumed, early_ empty, size_ > 0 (so mask_ != 0).
  void refill() const {
    buckets_[0].clear();
    head_ = 0;
    const int b = __builtin_ctzll(mask_) + 1;
    auto& from = buckets_[b];
    std::uint64_t least = ~std::uint64_t{0};
    for (const EventKey& k : from)
      least = std::min(least, biased(k.time));
    last_ = least;
    if (from.size() <= kLookahead && lookahead_.fn)
      lookahead_.fn(lookahead_.owner, from.data(), from.size());
    for (const EventKey& k : from) {
      const std::uint64_t u = biased(k.time);
      if (u == last_) {
        buckets_[0].push_back(k);
      } else {
        put(u, k);  // into a bucket below b: every key here agrees with last_ above bit b - 1
      }
    }
    if (from.capacity() > kKeepCapacity) {
      std::vector<EventKey>().swap(from);
    } else {
      from.clear();
    }
    mask_ &= ~(std::uint64_t{1} << (b - 1));
    auto by_seq = [](const EventKey& x, const EventKey& y) { return x.order < y.order; };
    if (!std::is_sorted(buckets_[0].begin(), buckets_[0].end(), by_seq))
      std::sort(buckets_[0].begin(), buckets_[0].end(), by_seq);
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
  std::vector<EventKey> take_all() override {
    std::vector<EventKey> keys(set_.begin(), set_.end());
    set_.clear();
    return keys;
  }

 private:
  std::set<EventKey> set_;
};

}  // namespace

std::unique_ptr<EventQueue> make_event_queue(std::string_view name) {
  if (name == "radix") return std::make_unique<RadixQueue>();
  if (name == "heap") return std::make_unique<HeapQueue>();
  if (name == "map") return std::make_unique<MapQueue>();
  throw InputError("unknown event queue '" + std::string(name) + "' (known: radix, heap, map)");
}

std::vector<std::string_view> event_queue_names() {
  return {"radix", "heap", "map"};
}

}  // namespace clustersim
