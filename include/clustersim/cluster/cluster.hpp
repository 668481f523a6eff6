// Cluster model: GPU nodes under switches under one core, as a Boost.Graph whose edges carry
// link bandwidths. Units: bandwidth in Gbit/s, memory in GB.
//
// Graph: vertex 0 is the core; then one vertex per switch; then one per node. Edges are
// node–switch (the node's NIC) and switch–core (the switch uplink). Within a node, GPUs talk over
// the node's intra-node link (NVLink or PCIe), which is a node attribute, not an edge.
#pragma once

#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace clustersim {

struct Node {
  int id = 0;
  std::string name;
  std::string gpu_type;
  int gpus = 0;
  int cpus = 0;
  double mem_gb = 0;
  int switch_id = 0;
  double nic_gbps = 100;         ///< node–switch link
  double intra_node_gbps = 300;  ///< GPU–GPU inside the node (NVLink/PCIe)
};

struct Switch {
  int id = 0;
  std::string name;
  double uplink_gbps = 400;  ///< switch–core link
};

struct LinkProps {
  double gbps = 0;
};
using ClusterGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                           boost::no_property, LinkProps>;

class Cluster {
 public:
  Cluster() = default;
  Cluster(std::string name, std::vector<Switch> switches, std::vector<Node> nodes);

  const std::string& name() const { return name_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Switch>& switches() const { return switches_; }
  int total_gpus() const { return total_gpus_; }
  /// Largest GPU count of any node.
  int max_gpus_per_node() const { return max_gpus_per_node_; }
  /// GPU type of the first node (clusters from the 5-column CSV are homogeneous).
  const std::string& gpu_type() const;
  const ClusterGraph& graph() const { return graph_; }

  int vertex_of_node(int node) const { return 1 + static_cast<int>(switches_.size()) + node; }
  int vertex_of_switch(int sw) const { return 1 + sw; }
  /// Smallest link bandwidth on the graph path between two nodes (intra-node bandwidth when
  /// a == b).
  double path_bottleneck_gbps(int node_a, int node_b) const;
  /// Bottleneck bandwidth of a ring over the given nodes (each listed once): the slowest link any
  /// ring step crosses. One node: its intra-node bandwidth.
  double ring_bottleneck_gbps(const std::vector<int>& nodes) const;
  /// Number of distinct switches the nodes hang off.
  int switches_spanned(const std::vector<int>& nodes) const;

 private:
  std::string name_;
  std::vector<Switch> switches_;
  std::vector<Node> nodes_;
  ClusterGraph graph_;
  int total_gpus_ = 0;
  int max_gpus_per_node_ = 0;
};

/// Per-node free resources during a run or a tentative placement.
struct ClusterState {
  std::vector<int> free_gpus;
  std::vector<int> free_cpus;
  std::vector<double> free_mem_gb;
  int total_free_gpus = 0;

  static ClusterState empty_of(const Cluster& c);
};

/// Reads a cluster spec: JSON (schema in cluster_specs/README.md) or the 5-column CSV
/// `num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node` of the Tiresias,
/// ElasticFlow and Muri artifacts (chosen by content). `gpu_type` names the GPU of CSV specs,
/// which do not say. Throws InputError with `file:line`.
Cluster read_cluster_spec(const std::string& path, const std::string& gpu_type = "generic");

}  // namespace clustersim
