// central: one central FIFO queue with late binding — a worker slot takes the next task when it
// frees (Celery with prefetch 1 and late ack; Sparrow's late binding). A task that arrives while
// slots are free goes to the slot that has waited longest. Identical single-slot nodes with
// Poisson arrivals and exponential service form an M/M/c queue (Erlang C).
#include <deque>

#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Central final : public DispatchPolicy {
 public:
  void init(const NodeView& v) override { waiting_.assign(static_cast<std::size_t>(v.nodes()), 0); }
  int place(const Task&, const NodeView& v, RngStream&) override {
    while (!slots_.empty()) {
      const int n = slots_.front();
      slots_.pop_front();
      --waiting_[static_cast<std::size_t>(n)];
      if (v.has_room(n)) return n;
    }
    return kHold;
  }
  int pull(int n, const NodeView& v) override { return v.has_room(n) ? n : kHold; }
  // One entry per free slot, in the order the slots freed.
  void on_free_slot(int n, const NodeView& v) override {
    auto& w = waiting_[static_cast<std::size_t>(n)];
    for (; w < v.spec(n).slots - v.held(n); ++w)
      slots_.push_back(n);
  }

 private:
  std::deque<int> slots_;
  std::vector<int> waiting_;
};

const bool registered =
    register_dispatch("central", "central FIFO queue, late binding: free slots pull the next task",
                      [](const DispatchEnv&) { return std::make_unique<Central>(); });

}  // namespace
}  // namespace clustersim::balancing
