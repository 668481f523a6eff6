// Cluster specs as JSON (cluster_specs/README.md); read_cluster_spec picks the format by content.
#include "clustersim/cluster/cluster.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(cluster_json, "cluster.json") {
  clustersim::read_cluster_spec(path);
}
