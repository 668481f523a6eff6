// The Azure Functions 2019 invocation-day reader (include/clustersim/serving/maf_trace.hpp),
// serving --trace: 4 id columns and 1440 minute counts per row.
#include "clustersim/serving/maf_trace.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(maf_trace, "day.csv") {
  clustersim::serving::read_maf_trace(path);
}
