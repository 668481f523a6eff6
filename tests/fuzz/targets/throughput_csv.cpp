// A throughput table in clustersim's format model,batch_size,gpus,iters_per_s.
#include "clustersim/training/throughput.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(throughput_csv, "table.csv") {
  clustersim::read_throughput_table(path);
}
