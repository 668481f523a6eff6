// Per-model tensor sizes of the tiresias-skew placement (placement.tensor_sizes,
// model_name,tensor_sizes_mb_semicolon_separated).
#include "clustersim/cluster/cluster.hpp"
#include "clustersim/training/placement.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(tensor_sizes, "model_tensor_sizes_mb.csv") {
  using namespace clustersim;
  static const Cluster cluster("fuzz", {Switch{0, "switch0"}}, [] {
    Node n;
    n.name = "node0";
    n.gpu_type = "A100";
    n.gpus = 4;
    n.cpus = 8;
    n.mem_gb = 64;
    return std::vector<Node>{n};
  }());
  const auto& entry = placement_schemes().get("tiresias-skew");
  Params p;
  p.declare(entry.params, "placement tiresias-skew");
  p.set("placement.tensor_sizes", path);
  p.set("placement.packlimit", "1");
  entry.factory(cluster, p);
}
