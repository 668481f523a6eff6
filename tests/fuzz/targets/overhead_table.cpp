// The `table` overhead model's CSV model_name,num_gpu,restart_overhead_s (overhead.table).
#include "clustersim/training/overhead.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(overhead_table, "overhead.csv") {
  using namespace clustersim;
  const auto& entry = overhead_models().get("table");
  Params p;
  p.declare(entry.params, "overhead table");
  p.set("overhead.table", path);
  entry.factory(p);
}
