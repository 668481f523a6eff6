// The serving family's model zoo (--family serving --zoo FILE.csv: family,model,input_kB,
// output_kB,weights_MB,weights_transfer_ms,exec_b1_ms,...,exec_b16_ms), in 16 MiB pages.
#include "clustersim/serving/model_zoo.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(serving_zoo, "model_zoo.csv") {
  clustersim::serving::read_model_zoo(path);
}
