// clipper: Clipper's batching (Crankshaw et al., NSDI'17, 4.3; research/clockwork.md 6), the
// baseline of Clockwork's Fig. 5. Every served model is a container pinned to one GPU
// (static placement, no weight paging); a model has one FIFO; a GPU runs one batch at a time
// and, when free, takes the model whose oldest request arrived first. The batch is the model's
// oldest min(queue, cap) requests, where cap follows AIMD: +clipper.aimd_step while a batch's
// execution time stays within the SLO, x clipper.aimd_backoff (10 %) when it exceeds it.
// With clipper.batch_wait_ms > 0 a model waits that long for its batch to fill (delayed
// batching). Nothing is dropped: a request waits until it is served, however late.
// Parameters: clipper.max_batch (16), clipper.aimd_step (1), clipper.aimd_backoff (0.9),
// clipper.batch_wait_ms (0).
#include <algorithm>
#include <cmath>
#include <deque>

#include "clustersim/serving/policy.hpp"
#include "static_placement.hpp"

namespace clustersim::serving {
namespace {

class ClipperPolicy final : public ServingPolicy {
 public:
  explicit ClipperPolicy(const Params& p)
      : max_batch_(static_cast<int>(p.get_int("clipper.max_batch"))),
        step_(p.get_double("clipper.aimd_step")),
        backoff_(p.get_double("clipper.aimd_backoff")),
        wait_(static_cast<SimTime>(std::llround(p.get_double("clipper.batch_wait_ms") * 1000))) {}

  void start(ServingContext& ctx) override {
    ctx_ = &ctx;
    gpu_of_ = place_statically(ctx, "clipper");
    queues_.resize(gpu_of_.size());
    cap_.assign(gpu_of_.size(), 1.0);
    on_gpu_.resize(static_cast<std::size_t>(ctx.gpu_count()));
    for (std::size_t m = 0; m < gpu_of_.size(); ++m)
      on_gpu_[static_cast<std::size_t>(gpu_of_[m])].push_back(static_cast<std::uint32_t>(m));
    busy_.assign(static_cast<std::size_t>(ctx.gpu_count()), false);
  }

  void on_request(RequestId id) override {
    const std::uint32_t m = ctx_->request(id).model;
    queues_[m].push_back(id);
    ctx_->wake(gpu_of_[m], Channel::kExec, ctx_->now());
  }

  bool schedule(int g, Channel ch) override {
    if (ch != Channel::kExec || busy_[static_cast<std::size_t>(g)]) return false;
    const SimTime now = ctx_->now();
    std::uint32_t best = 0;
    SimTime best_arrival = kForever, next_wake = kForever;
    for (std::uint32_t m : on_gpu_[static_cast<std::size_t>(g)]) {
      const auto& q = queues_[m];
      if (q.empty()) continue;
      const SimTime head = ctx_->request(q.front()).arrival;
      if (wait_ > 0 && static_cast<double>(q.size()) < cap(m) && head + wait_ > now) {
        next_wake = std::min(next_wake, head + wait_);
        continue;
      }
      if (head < best_arrival) best_arrival = head, best = m;
    }
    if (best_arrival == kForever) {
      if (next_wake != kForever) ctx_->wake(g, Channel::kExec, next_wake);
      return false;
    }
    auto& q = queues_[best];
    const auto n = std::min<std::size_t>(q.size(), static_cast<std::size_t>(cap(best)));
    InferAction a;
    a.gpu = g;
    a.model = best;
    a.requests.assign(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(n));
    q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(n));
    a.earliest = now;
    busy_[static_cast<std::size_t>(g)] = true;
    ctx_->send(std::move(a));
    return false;
  }

  void on_result(const ActionResult& r) override {
    if (r.type != ActionType::kInfer) return;
    busy_[static_cast<std::size_t>(r.gpu)] = false;
    if (r.status == ActionStatus::kOk) {
      double& c = cap_[r.model];
      if (r.end - r.start <= ctx_->models()[r.model].slo)
        c = std::min(c + step_, static_cast<double>(max_batch_));
      else
        c = std::max(1.0, std::floor(c * backoff_));
    }
    ctx_->wake(r.gpu, Channel::kExec, ctx_->now());
  }

 private:
  const int max_batch_;
  const double step_, backoff_;
  const SimTime wait_;
  ServingContext* ctx_ = nullptr;
  std::vector<int> gpu_of_;
  std::vector<std::deque<RequestId>> queues_;
  std::vector<double> cap_;
  std::vector<std::vector<std::uint32_t>> on_gpu_;
  std::vector<bool> busy_;
  double cap(std::uint32_t m) const { return std::max(1.0, std::floor(cap_[m])); }
};

const bool registered = register_serving_policy(
    "clipper",
    "Clipper: a FIFO per model pinned to one GPU, AIMD batch size, no drops (Clockwork Fig. 5 "
    "baseline)",
    [](const ServingPolicyEnv& env) { return std::make_unique<ClipperPolicy>(env.params); },
    {
        param::integer("clipper.max_batch", 16, "requests", "largest batch", 1, 16),
        param::real("clipper.aimd_step", 1, "requests", "additive increase of the batch cap", 0,
                    16),
        param::real("clipper.aimd_backoff", 0.9, "",
                    "multiplicative decrease when a batch takes longer than the SLO", 0, 1),
        param::real("clipper.batch_wait_ms", 0, "ms",
                    "delayed batching: wait this long for a batch to fill (0 = off)", 0, 1e6),
    });

}  // namespace
}  // namespace clustersim::serving
