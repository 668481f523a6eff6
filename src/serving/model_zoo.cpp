#include "clustersim/serving/model_zoo.hpp"

#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::serving {

int ModelZoo::find(const std::string& name) const {
  for (std::size_t i = 0; i < models.size(); ++i)
    if (models[i].name == name) return static_cast<int>(i);
  return -1;
}

ModelZoo read_model_zoo(const std::string& path, std::int64_t page_bytes) {
  CsvReader csv(path);
  const std::size_t c_family = csv.require({"family"});
  const std::size_t c_model = csv.require({"model"});
  const std::size_t c_in = csv.require({"input_kB"});
  const std::size_t c_out = csv.require({"output_kB"});
  const std::size_t c_weights = csv.require({"weights_MB"});
  const std::size_t c_load = csv.require({"weights_transfer_ms"});
  std::array<std::size_t, 5> c_exec{};
  for (std::size_t i = 0; i < kZooBatchSizes.size(); ++i) {
    const std::string name = fmt::format("exec_b{}_ms", kZooBatchSizes[i]);
    c_exec[i] = csv.require({name});
  }
  ModelZoo zoo{path, {}};
  auto positive = [&](std::size_t col) {
    if (csv.field(col).empty())
      csv.fail(fmt::format("column '{}': missing value", csv.header()[col]));
    const double v = csv.get_double(col);
    if (!(v > 0))
      csv.fail(fmt::format("column '{}': '{}' must be > 0", csv.header()[col], csv.field(col)));
    return v;
  };
  auto millis = [&](std::size_t col) {
    const double ms = positive(col);
    if (ms > 1e9)
      csv.fail(fmt::format("column '{}': '{}' is too large", csv.header()[col], csv.field(col)));
    return static_cast<SimTime>(std::llround(ms * 1000));
  };
  auto size_kb = [&](std::size_t col) {
    const double kb = csv.get_double(col);
    if (!(kb >= 0) || kb > 1e9)
      csv.fail(fmt::format("column '{}': '{}' must be >= 0", csv.header()[col], csv.field(col)));
    return kb;
  };
  while (csv.next()) {
    ZooModel m;
    m.family = csv.field(c_family);
    m.name = csv.field(c_model);
    if (m.name.empty()) csv.fail("column 'model': missing model name");
    if (zoo.find(m.name) >= 0) csv.fail(fmt::format("model '{}' listed twice", m.name));
    m.input_kb = size_kb(c_in);
    m.output_kb = size_kb(c_out);
    m.weights_mb = positive(c_weights);
    m.load_us = millis(c_load);
    for (std::size_t i = 0; i < c_exec.size(); ++i)
      m.exec_us[i] = millis(c_exec[i]);
    const double pages = std::ceil(m.weights_mb * 1e6 / static_cast<double>(page_bytes));
    if (pages > 1e6) csv.fail("column 'weights_MB': model larger than a million pages");
    m.pages = static_cast<int>(pages);
    zoo.models.push_back(std::move(m));
  }
  if (zoo.models.empty()) throw InputError(path, 1, "model zoo lists no model");
  return zoo;
}

}  // namespace clustersim::serving
