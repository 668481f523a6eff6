// A folder of ElasticFlow per-model throughput CSVs (global_batch_size,1,2,4,...); the fuzzed
// bytes are the folder's one model file.
#include <filesystem>

#include "clustersim/training/throughput.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(throughput_folder, "ef/resnet50.csv") {
  clustersim::read_throughput_table(std::filesystem::path(path).parent_path().string());
}
