// jiq: join the idle queue (Lu et al. 2011) — nodes that free a slot with nothing queued report
// to the dispatcher's I-queue (once until they are used); a task goes to the longest-reporting
// node that still has room, else to a uniformly random node.
#include <deque>

#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Jiq final : public DispatchPolicy {
 public:
  void init(const NodeView& v) override {
    reported_.assign(static_cast<std::size_t>(v.nodes()), false);
  }
  int place(const Task&, const NodeView& v, RngStream& rng) override {
    while (!idle_.empty()) {
      const int n = idle_.front();
      idle_.pop_front();
      reported_[static_cast<std::size_t>(n)] = false;
      if (v.has_room(n) && v.queued(n) == 0) return n;
    }
    return static_cast<int>(rng.uniform_int(0, v.nodes() - 1));
  }
  void on_free_slot(int n, const NodeView&) override {
    if (reported_[static_cast<std::size_t>(n)]) return;
    reported_[static_cast<std::size_t>(n)] = true;
    idle_.push_back(n);
  }

 private:
  std::deque<int> idle_;
  std::vector<bool> reported_;
};

const bool registered =
    register_dispatch("jiq", "join the idle queue: an idle node that reported, else a random node",
                      [](const DispatchEnv&) { return std::make_unique<Jiq>(); });

}  // namespace
}  // namespace clustersim::balancing
