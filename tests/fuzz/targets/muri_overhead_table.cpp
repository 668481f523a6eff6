// Muri's restart-overhead table (muri.overhead_table), read by the muri-* policies.
#include "fuzz_reader.hpp"
#include "training/muri/sim.hpp"

CLUSTERSIM_FUZZ_READER(muri_overhead_table, "restart_overhead_s.csv") {
  using namespace clustersim;
  Params p;
  p.declare(muri::RestartOverheads::specs(), "muri");
  p.set("muri.overhead_table", path);
  muri::RestartOverheads overheads(p);
}
