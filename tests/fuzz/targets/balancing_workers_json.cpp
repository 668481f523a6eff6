// Balancing worker specs as JSON (--family balancing --cluster workers.json): nodes with slots,
// speed, throttle, weight, resources and count; the default link and per-pair links.
#include "clustersim/balancing/model.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(balancing_workers_json, "workers.json") {
  clustersim::balancing::read_balancing_cluster(path);
}
