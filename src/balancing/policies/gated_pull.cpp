// gated-pull: aiVLE's resource monitor (aivle-worker from 2022-01-31): a central queue that a
// node consumes from only while its free resource (capacity gated.resource from the worker spec
// minus gated.demand per slot in use) covers one more task. With gated.period_s > 0 the monitor
// samples every period and the node keeps consuming or not until the next sample (the original
// cancels / re-adds its Celery consumer each second); 0 checks at every decision.
#include <deque>

#include <fmt/format.h>

#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {
namespace {

class GatedPull final : public DispatchPolicy {
 public:
  explicit GatedPull(const DispatchEnv& env)
      : demand_(env.params.get_double("gated.demand")),
        period_(from_seconds(env.params.get_double("gated.period_s"))) {
    const std::string r = env.params.get_string("gated.resource");
    for (const auto& n : env.cluster.nodes) {
      auto it = n.resources.find(r);
      if (it == n.resources.end())
        throw InputError(
            fmt::format("policy gated-pull: node '{}' has no resource '{}' (set "
                        "\"resources\" in the worker spec or gated.resource)",
                        n.name, r));
      capacity_.push_back(it->second);
    }
    consuming_.assign(capacity_.size(), true);
  }
  int place(const Task&, const NodeView& v, RngStream&) override {
    for (int n = 0; n < v.nodes(); ++n)
      if (takes(n, v)) return n;
    return kHold;
  }
  int pull(int n, const NodeView& v) override { return takes(n, v) ? n : kHold; }
  SimTime tick_period() const override { return period_; }
  void on_tick(const NodeView& v) override {
    for (int n = 0; n < v.nodes(); ++n)
      consuming_[static_cast<std::size_t>(n)] = fits(n, v);
  }

 private:
  double demand_;
  SimTime period_;
  std::vector<double> capacity_;
  std::vector<bool> consuming_;

  bool fits(int n, const NodeView& v) const {
    return capacity_[static_cast<std::size_t>(n)] - demand_ * v.held(n) >= demand_;
  }
  bool takes(int n, const NodeView& v) const {
    const bool gate = period_ > 0 ? consuming_[static_cast<std::size_t>(n)] : fits(n, v);
    return gate && v.has_room(n) && v.queued(n) == 0;
  }
};

const bool registered = register_dispatch(
    "gated-pull", "central queue consumed only while free resources cover a task (aiVLE monitor)",
    [](const DispatchEnv& env) { return std::make_unique<GatedPull>(env); },
    {param::text("gated.resource", "vram_gb", "resource name in the worker spec's \"resources\""),
     param::real("gated.demand", 1, "", "resource one task holds (aiVLE: 1.87 GB of VRAM)", 0),
     param::real("gated.period_s", 1, "s", "monitor period (0 = exact at every decision)", 0,
                 kMaxInputSeconds)});

}  // namespace
}  // namespace clustersim::balancing
