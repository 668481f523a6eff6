// Trace-generator settings (`clustersim trace generate --from FILE.json`), read and validated.
#include "clustersim/training/trace_generator.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(trace_settings, "settings.json") {
  clustersim::TraceGeneratorSettings::from_json_file(path);
}
