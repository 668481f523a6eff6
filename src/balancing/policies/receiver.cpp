// receiver: receiver-initiated threshold transfer (Eager, Lazowska, Zahorjan 1986) as MP4 Group
// 09 implements it: when the peer reports fewer than migration.min tasks, a node above the
// threshold tops the peer up to it (mp4_thresholds.hpp). The report's run: min 50.
#include "clustersim/balancing/policy.hpp"
#include "mp4_thresholds.hpp"

namespace clustersim::balancing {
namespace {

class Receiver final : public MigrationPolicy {
 public:
  explicit Receiver(const Params& p) : min_(static_cast<int>(p.get_int("migration.min"))) {}
  int decide(const MigrationContext& c) override {
    return mp4::receiver_rule(c.self_queued, c.peer_queued, min_);
  }

 private:
  int min_;
};

const bool registered = register_migration(
    "receiver", "receiver-initiated: a peer below migration.min is topped up to it (MP4)",
    [](const Params& p) { return std::make_unique<Receiver>(p); },
    {param::integer("migration.min", 50, "tasks", "MIN queue threshold (MP4 JOB_QUEUE_MIN)", 0,
                    1e9)});

}  // namespace
}  // namespace clustersim::balancing
