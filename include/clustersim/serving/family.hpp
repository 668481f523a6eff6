// The serving family's part of the run pipeline (core/pipeline.hpp): inputs `zoo` (required) and
// `trace` (an Azure Functions day; optional), the parameters every serving run declares
// (serving_params: workload, serving.*, controller.*), the policy registry (--policy) and the
// workload registry (--set workload=NAME), and the optional requests.csv.
#pragma once

#include "clustersim/core/params.hpp"

namespace clustersim::serving {

const ParamSpecs& serving_params();

}  // namespace clustersim::serving
