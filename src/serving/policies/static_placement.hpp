// Static placement for the baselines that do not page weights (Clipper's one container per model,
// the FIFO lower bound): served model m goes to GPU m mod G, or the next GPU with room, and is
// preloaded at time 0. A zoo that does not fit is an input error. Their GPUs run one INFER at a
// time (OneInferPerGpu).
#pragma once

#include <vector>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/serving/policy.hpp"

namespace clustersim::serving {

/// GPU of every served model, after preloading them all on `ctx` (call from start()).
inline std::vector<int> place_statically(ServingContext& ctx, const char* policy) {
  const auto& models = ctx.models();
  const int G = ctx.gpu_count();
  std::vector<int> free(static_cast<std::size_t>(G), ctx.pages_per_gpu());
  std::vector<int> gpu_of(models.size(), -1);
  for (std::size_t m = 0; m < models.size(); ++m) {
    for (int k = 0; k < G; ++k) {
      const int g =
          static_cast<int>((m + static_cast<std::size_t>(k)) % static_cast<std::size_t>(G));
      if (free[static_cast<std::size_t>(g)] < models[m].pages) continue;
      free[static_cast<std::size_t>(g)] -= models[m].pages;
      gpu_of[m] = g;
      ctx.preload(g, static_cast<std::uint32_t>(m));
      break;
    }
    if (gpu_of[m] < 0)
      throw InputError(fmt::format(
          "{}: the served models do not fit in the GPUs' weights caches ({} models, {} GPUs of "
          "{} pages); this policy places every model statically",
          policy, models.size(), G, ctx.pages_per_gpu()));
  }
  return gpu_of;
}

/// Which GPUs have an INFER out: the baselines send a GPU's next INFER when the last one's result
/// is back.
class OneInferPerGpu {
 public:
  void reset(int gpus) { busy_.assign(static_cast<std::size_t>(gpus), false); }
  bool busy(int gpu) const { return busy_[static_cast<std::size_t>(gpu)]; }
  void send(ServingContext& ctx, const InferAction& a) {
    busy_[static_cast<std::size_t>(a.gpu)] = true;
    ctx.send(a);
  }
  /// Frees the GPU of an INFER's result; false (nothing done) for other results.
  bool finished(const ActionResult& r) {
    if (r.type != ActionType::kInfer) return false;
    busy_[static_cast<std::size_t>(r.gpu)] = false;
    return true;
  }

 private:
  std::vector<bool> busy_;
};

}  // namespace clustersim::serving
