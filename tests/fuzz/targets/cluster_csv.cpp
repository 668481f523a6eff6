// Cluster specs as the artifacts' 5-column CSV (cluster_specs/README.md).
#include "clustersim/cluster/cluster.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(cluster_csv, "cluster.csv") {
  clustersim::read_cluster_spec(path, "A100");
}
