// run.json (`clustersim run --config`): the keys of RunConfig and the family's inputs.
#include "clustersim/core/pipeline.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(run_config, "run.json") {
  clustersim::RunConfig::from_json_file(path);
}
