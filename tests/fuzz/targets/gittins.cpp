// The GPU-time distribution of dlas-gpu-gittins (tiresias.gittins_file, one column `duration`).
#include "training/tiresias/gittins.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(gittins, "gittins.csv") {
  clustersim::GittinsTable::from_file(path);
}
