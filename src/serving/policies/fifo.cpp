// fifo: the lower bound a reviewer asks for: every served model pinned to one GPU (static
// placement), each GPU executes one request at a time (batch 1), earliest arrival first, and
// nothing is dropped.
#include <deque>

#include "clustersim/serving/policy.hpp"
#include "static_placement.hpp"

namespace clustersim::serving {
namespace {

class FifoPolicy final : public ServingPolicy {
 public:
  void start(ServingContext& ctx) override {
    ctx_ = &ctx;
    gpu_of_ = place_statically(ctx, "fifo");
    queues_.resize(static_cast<std::size_t>(ctx.gpu_count()));
    busy_.assign(static_cast<std::size_t>(ctx.gpu_count()), false);
  }
  void on_request(RequestId id) override {
    const int g = gpu_of_[ctx_->request(id).model];
    queues_[static_cast<std::size_t>(g)].push_back(id);
    ctx_->wake(g, Channel::kExec, ctx_->now());
  }
  bool schedule(int g, Channel ch) override {
    auto& q = queues_[static_cast<std::size_t>(g)];
    if (ch != Channel::kExec || busy_[static_cast<std::size_t>(g)] || q.empty()) return false;
    InferAction a;
    a.gpu = g;
    a.model = ctx_->request(q.front()).model;
    a.requests.push_back(q.front());
    a.earliest = ctx_->now();
    q.pop_front();
    busy_[static_cast<std::size_t>(g)] = true;
    ctx_->send(std::move(a));
    return false;
  }
  void on_result(const ActionResult& r) override {
    if (r.type != ActionType::kInfer) return;
    busy_[static_cast<std::size_t>(r.gpu)] = false;
    ctx_->wake(r.gpu, Channel::kExec, ctx_->now());
  }

 private:
  ServingContext* ctx_ = nullptr;
  std::vector<int> gpu_of_;
  std::vector<std::deque<RequestId>> queues_;
  std::vector<bool> busy_;
};

const bool registered = register_serving_policy(
    "fifo", "one request at a time per GPU, earliest arrival first, models pinned, no drops",
    [](const ServingPolicyEnv&) { return std::make_unique<FifoPolicy>(); });

}  // namespace
}  // namespace clustersim::serving
