// broker-rr: a message broker in front of worker nodes (aiVLE's Celery over RabbitMQ with the
// defaults, research/loadbalancing.md 1.2): messages go round robin to the consumers that have
// credit, a consumer holding at most W = broker.prefetch_multiplier x slots reserved (delivered,
// not started) tasks; a task is acknowledged when it starts, which frees one credit; reserved
// tasks never move (early binding, no stealing). Messages no consumer has credit for wait at the
// broker and go out, in the same round robin, as credits free. broker.prefetch_multiplier=0
// removes the window (pure round robin at enqueue time).
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class BrokerRr final : public DispatchPolicy {
 public:
  explicit BrokerRr(const DispatchEnv& env)
      : multiplier_(static_cast<int>(env.params.get_int("broker.prefetch_multiplier"))) {}
  int place(const Task&, const NodeView& v, RngStream&) override { return next_with_credit(v); }
  int pull(int, const NodeView& v) override { return next_with_credit(v); }

 private:
  int multiplier_;
  int next_ = 0;

  int next_with_credit(const NodeView& v) {
    for (int i = 0; i < v.nodes(); ++i) {
      const int n = (next_ + i) % v.nodes();
      if (multiplier_ == 0 || v.queued(n) < multiplier_ * v.spec(n).slots) {
        next_ = (n + 1) % v.nodes();
        return n;
      }
    }
    return kHold;
  }
};

const bool registered = register_dispatch(
    "broker-rr",
    "broker round robin to consumers with credit, prefetch window W = multiplier x slots "
    "(Celery defaults, early binding)",
    [](const DispatchEnv& env) { return std::make_unique<BrokerRr>(env); },
    {param::integer("broker.prefetch_multiplier", 4, "tasks/slot",
                    "Celery worker_prefetch_multiplier (0 = unlimited)", 0, 1e6)});

}  // namespace
}  // namespace clustersim::balancing
