// The model zoo of the serving family: per DNN model its weights size and the profiled times of
// a V100 (the Clockwork paper's appendix Table 1, shared/anchors/clockwork/model_zoo_v100.csv):
//   family,model,input_kB,output_kB,weights_MB,weights_transfer_ms,exec_b1_ms,...,exec_b16_ms
// Times are converted once to integer microseconds; a model occupies ceil(weights / page) pages of
// a GPU's weights cache (MB = 10^6 bytes, as the table's transfer times imply ~12.3 GB/s).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "clustersim/core/time.hpp"

namespace clustersim::serving {

/// Batch sizes profiled in the zoo, in column order.
inline constexpr std::array<int, 5> kZooBatchSizes = {1, 2, 4, 8, 16};

struct ZooModel {
  std::string family;
  std::string name;
  double input_kb = 0;
  double output_kb = 0;
  double weights_mb = 0;
  SimTime load_us = 0;               ///< weights transfer host -> GPU (one LOAD)
  std::array<SimTime, 5> exec_us{};  ///< execution of one batch of kZooBatchSizes[i]
  int pages = 0;                     ///< weights-cache pages (set by read_model_zoo)
};

struct ModelZoo {
  std::string path;
  std::vector<ZooModel> models;  ///< file order
  /// Index of the model called `name`, or -1.
  int find(const std::string& name) const;
};

/// Reads the zoo CSV. Every time column must hold a positive number (a missing batch size is an
/// error, `file:line: column 'exec_b8_ms' ...`); model names must be unique. `page_bytes` sizes
/// the pages (16 MiB in Clockwork).
ModelZoo read_model_zoo(const std::string& path, std::int64_t page_bytes = 16 << 20);

}  // namespace clustersim::serving
