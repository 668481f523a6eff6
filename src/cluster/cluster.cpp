#include "clustersim/cluster/cluster.hpp"

#include <algorithm>
#include <limits>
#include <queue>
#include <set>

#include "clustersim/core/error.hpp"

namespace clustersim {

Cluster::Cluster(std::string name, std::vector<Switch> switches, std::vector<Node> nodes)
    : name_(std::move(name)), switches_(std::move(switches)), nodes_(std::move(nodes)) {
  graph_ = ClusterGraph(1 + switches_.size() + nodes_.size());
  for (const auto& s : switches_) {
    boost::add_edge(0, vertex_of_switch(s.id), LinkProps{s.uplink_gbps}, graph_);
  }
  for (const auto& n : nodes_) {
    boost::add_edge(vertex_of_switch(n.switch_id), vertex_of_node(n.id), LinkProps{n.nic_gbps},
                    graph_);
    total_gpus_ += n.gpus;
    max_gpus_per_node_ = std::max(max_gpus_per_node_, n.gpus);
  }
}

const std::string& Cluster::gpu_type() const {
  static const std::string none = "generic";
  return nodes_.empty() ? none : nodes_.front().gpu_type;
}

double Cluster::path_bottleneck_gbps(int a, int b) const {
  if (a == b) return nodes_.at(a).intra_node_gbps;
  // Widest-path search is unnecessary on a tree: BFS finds the unique path; take its minimum.
  const int n = static_cast<int>(boost::num_vertices(graph_));
  const int src = vertex_of_node(a), dst = vertex_of_node(b);
  std::vector<int> parent(n, -1);
  std::vector<double> via(n, 0);
  std::queue<int> q;
  q.push(src);
  parent[src] = src;
  while (!q.empty()) {
    int v = q.front();
    q.pop();
    if (v == dst) break;
    for (auto [e, end] = boost::out_edges(v, graph_); e != end; ++e) {
      int w = static_cast<int>(boost::target(*e, graph_));
      if (parent[w] != -1) continue;
      parent[w] = v;
      via[w] = graph_[*e].gbps;
      q.push(w);
    }
  }
  if (parent[dst] == -1) throw InvariantError("cluster graph is disconnected");
  double bw = std::numeric_limits<double>::infinity();
  for (int v = dst; v != src; v = parent[v])
    bw = std::min(bw, via[v]);
  return bw;
}

double Cluster::ring_bottleneck_gbps(const std::vector<int>& ns) const {
  if (ns.empty()) return 0;
  if (ns.size() == 1) return nodes_.at(ns[0]).intra_node_gbps;
  double bw = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < ns.size(); ++i) {
    bw = std::min(bw, path_bottleneck_gbps(ns[i], ns[(i + 1) % ns.size()]));
  }
  return bw;
}

int Cluster::switches_spanned(const std::vector<int>& ns) const {
  std::set<int> s;
  for (int n : ns)
    s.insert(nodes_.at(n).switch_id);
  return static_cast<int>(s.size());
}

ClusterState ClusterState::empty_of(const Cluster& c) {
  ClusterState s;
  for (const auto& n : c.nodes()) {
    s.free_gpus.push_back(n.gpus);
    s.free_cpus.push_back(n.cpus);
    s.free_mem_gb.push_back(n.mem_gb);
  }
  s.total_free_gpus = c.total_gpus();
  return s;
}

}  // namespace clustersim
