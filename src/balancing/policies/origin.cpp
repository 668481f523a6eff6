// origin: every task stays on the node that owns it (workload.origin or the trace's origin
// column); with a migration policy this is MP4's setting, where all work starts on one node.
#include <fmt/format.h>

#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {
namespace {

class Origin final : public DispatchPolicy {
 public:
  int place(const Task& t, const NodeView&, RngStream&) override {
    if (t.origin < 0)
      throw InputError(
          fmt::format("policy origin: task {} has no origin node (set "
                      "workload.origin or the trace's origin column)",
                      t.id));
    return t.origin;
  }
};

const bool registered =
    register_dispatch("origin", "no dispatch decision: each task joins its origin node's queue",
                      [](const DispatchEnv&) { return std::make_unique<Origin>(); });

}  // namespace
}  // namespace clustersim::balancing
