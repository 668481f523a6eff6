// sita: size interval task assignment (Harchol-Balter, Crovella, Murta 1999). k-1 increasing
// cutoffs in sita.cutoffs split task sizes (Task::size, or work_s when 0) into k intervals; the
// nodes, in spec order, form k equal groups and interval i goes to group i, where the node with
// the fewest tasks per slot is chosen (lowest index on ties).
#include <fmt/format.h>

#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {
namespace {

class Sita final : public DispatchPolicy {
 public:
  explicit Sita(const DispatchEnv& env) : cutoffs_(env.params.get_doubles("sita.cutoffs")) {
    const std::size_t n = env.cluster.nodes.size(), k = cutoffs_.size() + 1;
    for (std::size_t i = 1; i < cutoffs_.size(); ++i)
      if (cutoffs_[i] <= cutoffs_[i - 1]) throw InputError("parameter sita.cutoffs must increase");
    if (n % k != 0)
      throw InputError(
          fmt::format("parameter sita.cutoffs: {} intervals do not split {} nodes "
                      "into equal groups",
                      k, n));
    group_ = static_cast<int>(n / k);
  }
  int place(const Task& t, const NodeView& v, RngStream&) override {
    const double size = t.size > 0 ? t.size : t.work_s;
    int interval = 0;
    while (interval < static_cast<int>(cutoffs_.size()) &&
           size > cutoffs_[static_cast<std::size_t>(interval)])
      ++interval;
    int best = interval * group_;
    double best_load = 0;
    for (int n = interval * group_; n < (interval + 1) * group_; ++n) {
      const double load = static_cast<double>(v.held(n) + v.queued(n)) / v.spec(n).slots;
      if (n == interval * group_ || load < best_load) best = n, best_load = load;
    }
    return best;
  }

 private:
  std::vector<double> cutoffs_;
  int group_ = 1;
};

const bool registered = register_dispatch(
    "sita", "size intervals to node groups (sita.cutoffs), shortest queue within a group",
    [](const DispatchEnv& env) { return std::make_unique<Sita>(env); },
    {param::reals("sita.cutoffs", "1", "s", "increasing size cutoffs (k-1 values for k groups)",
                  0)});

}  // namespace
}  // namespace clustersim::balancing
