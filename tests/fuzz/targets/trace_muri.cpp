// The muri trace reader (include/clustersim/training/trace_reader.hpp), cluster size unbounded.
#include "clustersim/training/trace_reader.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(trace_muri, "trace.csv") {
  clustersim::read_trace(path, "muri");
}
