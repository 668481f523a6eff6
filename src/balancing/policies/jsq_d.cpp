// jsq-d: power of d choices — sample jsq.d nodes at random and join the one with the fewest
// tasks per slot, ties at random (Mitzenmacher 2001; Vvedenskaya et al. 1996). The supermarket
// model's fixed point assumes independent samples (jsq.replacement=true); the default samples
// d distinct nodes, as load balancers do (the two agree to O(1/n)).
#include <algorithm>

#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {
namespace {

class JsqD final : public DispatchPolicy {
 public:
  explicit JsqD(const DispatchEnv& env)
      : d_(static_cast<int>(env.params.get_int("jsq.d"))),
        replacement_(env.params.get_bool("jsq.replacement")) {
    const int n = static_cast<int>(env.cluster.nodes.size());
    if (!replacement_ && d_ > n)
      throw InputError("parameter jsq.d: " + std::to_string(d_) + " distinct samples from " +
                       std::to_string(n) + " nodes (set jsq.replacement=true or a smaller d)");
    picked_.resize(static_cast<std::size_t>(d_));
  }
  int place(const Task&, const NodeView& v, RngStream& rng) override {
    const int n = v.nodes();
    int best = -1, ties = 0;
    double best_load = 0;
    for (int i = 0; i < d_; ++i) {
      int c = static_cast<int>(rng.uniform_int(0, n - 1));
      if (!replacement_) {
        while (std::find(picked_.begin(), picked_.begin() + i, c) != picked_.begin() + i)
          c = static_cast<int>(rng.uniform_int(0, n - 1));
        picked_[static_cast<std::size_t>(i)] = c;
      }
      const double load = static_cast<double>(v.held(c) + v.queued(c)) / v.spec(c).slots;
      if (ties == 0 || load < best_load) {
        best = c, best_load = load, ties = 1;
      } else if (load == best_load && rng.uniform_int(0, ties++) == 0) {
        best = c;
      }
    }
    return best;
  }

 private:
  int d_;
  bool replacement_;
  std::vector<int> picked_;
};

const bool registered = [] {
  register_dispatch(
      "jsq-d", "power of d choices: the shortest of jsq.d random nodes",
      [](const DispatchEnv& env) { return std::make_unique<JsqD>(env); },
      {param::integer("jsq.d", 2, "nodes", "nodes sampled per task", 1, 1024),
       param::flag("jsq.replacement", false, "sample with replacement (the supermarket model)")});
  dispatch_policies().add_alias("jsq2", "jsq-d", {{"jsq.d", "2"}});
  dispatch_policies().add_alias("jsq3", "jsq-d", {{"jsq.d", "3"}});
  return true;
}();

}  // namespace
}  // namespace clustersim::balancing
