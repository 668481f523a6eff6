// Balancing task traces, CSV `arrival_s[,service_s][,task_id][,size][,class][,origin]`
// (--family balancing --trace), with origins resolved against four nodes n0..n3.
#include "clustersim/balancing/components.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(balancing_tasks, "tasks.csv") {
  using namespace clustersim::balancing;
  static const BalancingCluster cluster = uniform_cluster(4, 2, 1, 1);
  read_task_trace(path, "tasks", cluster);
}
