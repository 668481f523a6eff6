// ect: estimated-completion-time balancing (CS423 MP4, temugen/cs423mp4): with a and b queued
// tasks taking x and y seconds each on self and peer, move i = (a x - b y) / (x + y) tasks so both
// finish together; ect.transfer_correction scales i by 1 / (t/x + 1) for a per-task transfer time
// t. Nothing moves unless the own estimate exceeds the peer's by ect.min_gain_s.
#include <cmath>

#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Ect final : public MigrationPolicy {
 public:
  explicit Ect(const Params& p)
      : min_gain_(p.get_double("ect.min_gain_s")),
        correct_(p.get_bool("ect.transfer_correction")) {}
  int decide(const MigrationContext& c) override {
    const double a = c.self_queued * c.self_task_s, b = c.peer_queued * c.peer_task_s;
    if (!(c.self_task_s > 0 && c.peer_task_s > 0) || a - b <= min_gain_) return 0;
    double i = (a - b) / (c.self_task_s + c.peer_task_s);
    if (correct_) i /= c.transfer_s / c.self_task_s + 1;
    return static_cast<int>(std::floor(i));
  }

 private:
  double min_gain_;
  bool correct_;
};

const bool registered = register_migration(
    "ect", "equalise estimated completion times (queue x per-task time) of self and peer",
    [](const Params& p) { return std::make_unique<Ect>(p); },
    {param::real("ect.min_gain_s", 0, "s", "minimum completion-time gap that triggers a transfer",
                 0),
     param::flag("ect.transfer_correction", true, "scale by 1 / (transfer/processing time + 1)")});

}  // namespace
}  // namespace clustersim::balancing
