// The serving model zoo reader (include/clustersim/serving/model_zoo.hpp): Clockwork's appendix
// table, --zoo.
#include "clustersim/serving/model_zoo.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(model_zoo, "zoo.csv") {
  clustersim::serving::read_model_zoo(path);
}
