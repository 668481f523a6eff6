// Cluster spec readers and the topology queries, on a two-switch cluster whose bottlenecks are
// worked out by hand below.
#include <catch2/catch.hpp>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/error.hpp"
#include "test_support.hpp"

using namespace clustersim;
using clustersim::test::error_of;
using clustersim::test::TempDir;

namespace {

// switch0 (uplink 400): nodes 0, 1 of type fast (NIC 200, intra 600, 8 GPUs)
// switch1 (uplink 100): node 2 fast, node 3 slow (NIC 50, intra 300, 4 GPUs)
const char* kTwoSwitch = R"({
  "name": "two-switch",
  "node_types": {
    "fast": {"gpu_type": "A100", "gpus": 8, "cpus": 64, "mem_gb": 512,
             "nic_gbps": 200, "intra_node_gbps": 600},
    "slow": {"gpu_type": "T4", "gpus": 4, "cpus": 32, "mem_gb": 128,
             "nic_gbps": 50, "intra_node_gbps": 300}
  },
  "switches": [
    {"name": "s0", "uplink_gbps": 400, "nodes": [{"type": "fast", "count": 2}]},
    {"name": "s1", "uplink_gbps": 100, "nodes": [{"type": "fast", "count": 1},
                                                 {"type": "slow", "count": 1}]}
  ]
}
)";
}  // namespace

TEST_CASE("JSON cluster spec: nodes, switches and hand-computed bottlenecks", "[cluster]") {
  TempDir dir;
  const Cluster c = read_cluster_spec(dir.write("c.json", kTwoSwitch));
  CHECK(c.name() == "two-switch");
  REQUIRE(c.nodes().size() == 4);
  REQUIRE(c.switches().size() == 2);
  CHECK(c.total_gpus() == 8 + 8 + 8 + 4);
  CHECK(c.max_gpus_per_node() == 8);
  CHECK(c.nodes()[3].gpu_type == "T4");
  CHECK(c.nodes()[2].switch_id == 1);
  CHECK(boost::num_vertices(c.graph()) == 1 + 2 + 4);
  CHECK(boost::num_edges(c.graph()) == 2 + 4);

  // Same node: the intra-node link.
  CHECK(c.path_bottleneck_gbps(0, 0) == 600);
  CHECK(c.path_bottleneck_gbps(3, 3) == 300);
  // Same switch: NIC - switch - NIC = min(200, 200).
  CHECK(c.path_bottleneck_gbps(0, 1) == 200);
  // Across switches: NIC 200, uplink 400, uplink 100, NIC 200 -> 100.
  CHECK(c.path_bottleneck_gbps(0, 2) == 100);
  CHECK(c.path_bottleneck_gbps(2, 0) == 100);
  // Same switch, slow NIC: min(200, 50).
  CHECK(c.path_bottleneck_gbps(2, 3) == 50);

  CHECK(c.ring_bottleneck_gbps({3}) == 300);
  CHECK(c.ring_bottleneck_gbps({0, 1}) == 200);
  // Ring 0 -> 1 -> 2 -> 0: steps 200, 100, 100.
  CHECK(c.ring_bottleneck_gbps({0, 1, 2}) == 100);
  // Ring 0 -> 2 -> 3 -> 0: steps 100, 50, min(200, 400, 100, 50) = 50.
  CHECK(c.ring_bottleneck_gbps({0, 2, 3}) == 50);
  CHECK(c.switches_spanned({0, 1}) == 1);
  CHECK(c.switches_spanned({0, 1, 3}) == 2);

  auto s = ClusterState::empty_of(c);
  CHECK(s.total_free_gpus == 28);
  CHECK(s.free_gpus == std::vector<int>{8, 8, 8, 4});
}

TEST_CASE("5-column CSV cluster spec", "[cluster]") {
  TempDir dir;
  auto path = dir.write("n2x3g4.csv",
                        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                        "2,3,4,32,256\n");
  const Cluster c = read_cluster_spec(path, "V100");
  CHECK(c.name() == "n2x3g4");
  REQUIRE(c.nodes().size() == 6);
  CHECK(c.switches().size() == 2);
  CHECK(c.total_gpus() == 24);
  CHECK(c.nodes()[4].switch_id == 1);  // nodes fill switch 0 first
  CHECK(c.nodes()[2].switch_id == 0);
  CHECK(c.nodes()[0].gpu_type == "V100");
  CHECK(c.nodes()[0].cpus == 32);
  CHECK(c.nodes()[0].mem_gb == 256);
  // Defaults: NIC 100, uplink 400, intra-node 300.
  CHECK(c.path_bottleneck_gbps(0, 5) == 100);
  CHECK(c.path_bottleneck_gbps(1, 1) == 300);
}

TEST_CASE("cluster spec errors name file:line", "[cluster]") {
  TempDir dir;
  auto csv2 = dir.write("two.csv",
                        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                        "1,2,4,8,64\n1,2,4,8,64\n");
  CHECK(error_of([&] {
          read_cluster_spec(csv2);
        }).rfind(csv2 + ":3: cluster spec must have one data row", 0) == 0);
  auto noval = dir.write("zero.csv",
                         "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                         "1,2,0,8,64\n");
  CHECK(error_of([&] {
          read_cluster_spec(noval);
        }).rfind(noval + ":2: column 'num_gpu_p_node'", 0) == 0);
  auto type = dir.write("t.json",
                        "{\"node_types\": {},\n \"switches\": [\n  {\"nodes\": [\n"
                        "   {\"type\": \"gpu\", \"count\": 1}]}]}\n");
  CHECK(error_of([&] { read_cluster_spec(type); }) == type + ":4: unknown node type 'gpu'");
  auto nosw = dir.write("s.json", "{\"node_types\": {}}");
  CHECK(error_of([&] { read_cluster_spec(nosw); }) ==
        nosw + ":1: cluster spec needs a non-empty array 'switches'");
  auto bw =
      dir.write("b.json",
                "{\"node_types\": {\"a\": {\"gpu_type\": \"A100\", \"gpus\": 8, \"cpus\": 8,\n"
                "  \"mem_gb\": 64}},\n"
                " \"switches\": [{\"uplink_gbps\": 0,\n   \"nodes\": []}]}\n");
  CHECK(error_of([&] { read_cluster_spec(bw); }) == bw + ":3: 'uplink_gbps' must be positive");
}
