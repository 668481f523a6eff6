// symmetric: both MP4 rules at each state message (Shivaratri, Krueger, Singhal 1992), added up.
// Both read the same queue lengths: MP4's symmetric_init calls sender_init, whose transfer thread
// dequeues its jobs one by one later, then receiver_init, which still sees the old queue and the
// same reported peer state.
#include "clustersim/balancing/policy.hpp"
#include "mp4_thresholds.hpp"

namespace clustersim::balancing {
namespace {

class Symmetric final : public MigrationPolicy {
 public:
  explicit Symmetric(const Params& p)
      : max_(static_cast<int>(p.get_int("migration.max"))),
        min_(static_cast<int>(p.get_int("migration.min"))) {}
  int decide(const MigrationContext& c) override {
    return mp4::sender_rule(c.self_queued, c.peer_queued, max_) +
           mp4::receiver_rule(c.self_queued, c.peer_queued, min_);
  }

 private:
  int max_, min_;
};

const bool registered = register_migration(
    "symmetric", "sender rule (migration.max) then receiver rule (migration.min) (MP4)",
    [](const Params& p) { return std::make_unique<Symmetric>(p); },
    {param::integer("migration.max", 100, "tasks", "MAX queue threshold (MP4 JOB_QUEUE_MAX)", 0,
                    1e9),
     param::integer("migration.min", 50, "tasks", "MIN queue threshold (MP4 JOB_QUEUE_MIN)", 0,
                    1e9)});

}  // namespace
}  // namespace clustersim::balancing
