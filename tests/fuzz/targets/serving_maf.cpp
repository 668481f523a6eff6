// Azure Functions 2019 days for the serving family (--family serving --trace FILE.csv,
// `clustersim maf inspect`): HashOwner,HashApp,HashFunction,Trigger,1..1440; ten minutes kept
// as a replay keeps them, then the order by daily total.
#include "clustersim/serving/maf_trace.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(serving_maf, "invocations_per_function_md.anon.d01.csv") {
  using namespace clustersim::serving;
  const MafTrace t = read_maf_trace(path, 10);
  maf_order_by_total(t);
}
