#include <fmt/format.h>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"

namespace clustersim {

namespace {

Cluster read_csv_spec(const std::string& path, const std::string& gpu_type) {
  CsvReader csv(path);
  const auto sw = csv.require({"num_switch"});
  const auto nps = csv.require({"num_node_p_switch"});
  const auto gpn = csv.require({"num_gpu_p_node"});
  const auto cpn = csv.require({"num_cpu_p_node"});
  const auto mpn = csv.require({"mem_p_node"});
  if (!csv.next()) csv.fail("cluster spec has a header but no data row");
  auto positive = [&](std::size_t c, std::int64_t limit) {
    auto v = csv.get_int(c);
    if (v <= 0 || v > limit)
      csv.fail(fmt::format("column '{}': {} is out of range 1..{}", csv.header()[c], v, limit));
    return static_cast<int>(v);
  };
  const int switches = positive(sw, 4096), per_switch = positive(nps, 1 << 20);
  const int gpus = positive(gpn, 1024), cpus = positive(cpn, 1 << 20);
  const double mem = csv.get_double(mpn);
  if (mem <= 0) csv.fail("column 'mem_p_node' must be positive");
  if (static_cast<long long>(switches) * per_switch > (1 << 20)) csv.fail("too many nodes");
  const long line = csv.line();
  if (csv.next())
    csv.fail(fmt::format("cluster spec must have one data row (another at line {})", line));

  std::vector<Switch> ss;
  std::vector<Node> ns;
  for (int s = 0; s < switches; ++s) {
    ss.push_back(Switch{s, fmt::format("switch{}", s)});
    for (int k = 0; k < per_switch; ++k) {
      Node n;
      n.id = static_cast<int>(ns.size());
      n.name = fmt::format("node{}", n.id);
      n.gpu_type = gpu_type;
      n.gpus = gpus;
      n.cpus = cpus;
      n.mem_gb = mem;
      n.switch_id = s;
      ns.push_back(std::move(n));
    }
  }
  auto slash = path.find_last_of('/');
  auto base = path.substr(slash == std::string::npos ? 0 : slash + 1);
  return Cluster(base.substr(0, base.rfind('.')), std::move(ss), std::move(ns));
}

Cluster read_json_spec(const std::string& path) {
  JsonInput in(path);
  const auto& root = in.root();
  if (!root.is_object()) in.fail("", "cluster spec must be a JSON object");
  in.check_keys("", {"name", "description", "node_types", "switches"});
  std::string name = in.has("/name") ? in.string("/name") : path;
  if (!in.has("/node_types") || !in.at("/node_types").is_object()) {
    in.fail("/node_types", "cluster spec needs an object 'node_types'");
  }
  if (!in.has("/switches") || !in.at("/switches").is_array() || in.at("/switches").empty()) {
    in.fail("/switches", "cluster spec needs a non-empty array 'switches'");
  }
  auto int_in = [&](const std::string& p, std::int64_t lo, std::int64_t hi) {
    const auto v = in.integer(p);
    const std::string key = p.substr(p.rfind('/') + 1);
    if (v < lo || v > hi) in.fail(p, fmt::format("'{}' must be in {}..{}", key, lo, hi));
    return static_cast<int>(v);
  };
  constexpr std::int64_t kMaxNodes = 1 << 20;
  std::vector<Switch> ss;
  std::vector<Node> ns;
  const auto& sws = in.at("/switches");
  for (std::size_t s = 0; s < sws.size(); ++s) {
    const std::string sp = fmt::format("/switches/{}", s);
    if (!sws[s].is_object()) in.fail(sp, "each switch must be an object");
    in.check_keys(sp, {"name", "description", "uplink_gbps", "nodes"});
    Switch sw{static_cast<int>(s), fmt::format("switch{}", s)};
    if (in.has(sp + "/name")) sw.name = in.string(sp + "/name");
    if (in.has(sp + "/uplink_gbps")) sw.uplink_gbps = in.number(sp + "/uplink_gbps");
    if (!(sw.uplink_gbps > 0)) in.fail(sp + "/uplink_gbps", "'uplink_gbps' must be positive");
    ss.push_back(sw);
    if (!in.has(sp + "/nodes") || !in.at(sp + "/nodes").is_array()) {
      in.fail(sp, "each switch needs an array 'nodes'");
    }
    const auto& groups = in.at(sp + "/nodes");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string gp = fmt::format("{}/nodes/{}", sp, g);
      if (!groups[g].is_object())
        in.fail(gp, "each node group must be {\"type\": T, \"count\": N}");
      in.check_keys(gp, {"type", "count"});
      const std::string type = in.string(gp + "/type");
      const std::string tp = "/node_types/" + json_pointer_token(type);
      if (!in.has(tp)) in.fail(gp + "/type", fmt::format("unknown node type '{}'", type));
      if (!in.at(tp).is_object())
        in.fail(tp, fmt::format("node type '{}' must be an object", type));
      in.check_keys(
          tp, {"description", "gpu_type", "gpus", "cpus", "mem_gb", "nic_gbps", "intra_node_gbps"});
      const int count = int_in(gp + "/count", 1, kMaxNodes);
      if (static_cast<std::int64_t>(ns.size()) + count > kMaxNodes)
        in.fail(gp + "/count", fmt::format("more than {} nodes in the cluster", kMaxNodes));
      Node proto;
      proto.gpu_type = in.string(tp + "/gpu_type");
      proto.gpus = int_in(tp + "/gpus", 0, 1024);  // 0: a CPU node
      proto.cpus = int_in(tp + "/cpus", 1, 1 << 20);
      proto.mem_gb = in.number(tp + "/mem_gb");
      if (!(proto.mem_gb > 0)) in.fail(tp + "/mem_gb", "'mem_gb' must be positive");
      if (in.has(tp + "/nic_gbps")) proto.nic_gbps = in.number(tp + "/nic_gbps");
      if (in.has(tp + "/intra_node_gbps"))
        proto.intra_node_gbps = in.number(tp + "/intra_node_gbps");
      if (!(proto.nic_gbps > 0) || !(proto.intra_node_gbps > 0)) {
        in.fail(tp, "link bandwidths must be positive");
      }
      for (int k = 0; k < count; ++k) {
        Node n = proto;
        n.id = static_cast<int>(ns.size());
        n.name = fmt::format("node{}", n.id);
        n.switch_id = static_cast<int>(s);
        ns.push_back(std::move(n));
      }
    }
  }
  if (ns.empty()) in.fail("/switches", "cluster has no nodes");
  return Cluster(std::move(name), std::move(ss), std::move(ns));
}

}  // namespace

Cluster read_cluster_spec(const std::string& path, const std::string& gpu_type) {
  const std::string text = read_file(path);
  auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos) throw InputError(path, 1, "empty file");
  if (text[first] == '{') return read_json_spec(path);
  return read_csv_spec(path, gpu_type);
}

}  // namespace clustersim
