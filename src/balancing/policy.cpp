#include "clustersim/balancing/policy.hpp"

namespace clustersim::balancing {

Registry<DispatchFactory>& dispatch_policies() {
  static Registry<DispatchFactory> r("dispatch policy", "balancing");
  return r;
}

Registry<MigrationFactory>& migration_policies() {
  static Registry<MigrationFactory> r("migration policy", "balancing");
  return r;
}

}  // namespace clustersim::balancing
