// The elasticflow trace reader (include/clustersim/training/trace_reader.hpp), cluster size
// unbounded.
#include "clustersim/training/trace_reader.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(trace_elasticflow, "trace.csv") {
  clustersim::read_trace(path, "elasticflow");
}
