// Balancing worker specs as CSV `name,slots[,speed,throttle,weight]` (--cluster workers.csv).
#include "clustersim/balancing/model.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(balancing_workers_csv, "workers.csv") {
  clustersim::balancing::read_balancing_cluster(path);
}
