#include "clustersim/serving/workload.hpp"

#include <algorithm>
#include <numeric>

namespace clustersim::serving {

Registry<WorkloadFactory>& serving_workloads() {
  static Registry<WorkloadFactory> registry("workload", "serving");
  return registry;
}

std::vector<int> zoo_name_order(const ModelZoo& zoo) {
  std::vector<int> order(zoo.models.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return zoo.models[a].name < zoo.models[b].name; });
  return order;
}

}  // namespace clustersim::serving
