// Fitted analytic-model parameters (`clustersim profile fit`, --throughputs FILE.json).
#include "clustersim/training/analytic_throughput.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(fitted_params, "params.json") {
  clustersim::read_fitted_params(path);
}
