// diff: difference-threshold balancing. When the own queue exceeds the peer's by more than
// migration.diff, send half the gap (diff.send=half-gap, the usual rule) or, as MP4 Group 09's
// final code (sender_init_throttle), min(migration.diff, own queue) / 2 (diff.send=mp4).
#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {
namespace {

class Diff final : public MigrationPolicy {
 public:
  explicit Diff(const Params& p)
      : diff_(static_cast<int>(p.get_int("migration.diff"))),
        mp4_(p.get_string("diff.send") == "mp4") {}
  int decide(const MigrationContext& c) override {
    const int gap = c.self_queued - c.peer_queued;
    if (gap <= diff_) return 0;
    return mp4_ ? std::min(diff_, c.self_queued) / 2 : gap / 2;
  }

 private:
  int diff_;
  bool mp4_;
};

const bool registered = register_migration(
    "diff", "when ahead of the peer by more than migration.diff, send half the gap",
    [](const Params& p) { return std::make_unique<Diff>(p); },
    {param::integer("migration.diff", 30, "tasks", "queue difference threshold (MP4 MAX_DIFF)", 0,
                    1e9),
     param::choice("diff.send", "half-gap", {"half-gap", "mp4"},
                   "amount: half the gap, or MP4's min(diff, queue) / 2")});

}  // namespace
}  // namespace clustersim::balancing
