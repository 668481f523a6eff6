#include "clustersim/serving/workload.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"

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

std::vector<int> zoo_models_named(const ModelZoo& zoo, const std::string& list,
                                  const std::string& key) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string name = list.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) {
      const int z = zoo.find(name);
      if (z < 0) throw InputError(fmt::format("{}: '{}' is not a model of {}", key, name, zoo.path));
      out.push_back(z);
    }
    start = comma + 1;
  }
  return out;
}

}  // namespace clustersim::serving
