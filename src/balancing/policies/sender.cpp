// sender: sender-initiated threshold transfer (Eager, Lazowska, Zahorjan 1986) as MP4 Group 09
// implements it: a node above migration.max sends the excess, up to what brings the peer to
// migration.max (mp4_thresholds.hpp). The report's run: max 100, state every 2 s.
#include "clustersim/balancing/policy.hpp"
#include "mp4_thresholds.hpp"

namespace clustersim::balancing {
namespace {

class Sender final : public MigrationPolicy {
 public:
  explicit Sender(const Params& p) : max_(static_cast<int>(p.get_int("migration.max"))) {}
  int decide(const MigrationContext& c) override {
    return mp4::sender_rule(c.self_queued, c.peer_queued, max_);
  }

 private:
  int max_;
};

const bool registered = register_migration(
    "sender", "sender-initiated: above migration.max, send the excess to a peer below it (MP4)",
    [](const Params& p) { return std::make_unique<Sender>(p); },
    {param::integer("migration.max", 100, "tasks", "MAX queue threshold (MP4 JOB_QUEUE_MAX)", 0,
                    1e9)});

}  // namespace
}  // namespace clustersim::balancing
