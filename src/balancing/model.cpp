#include "clustersim/balancing/model.hpp"

#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"

namespace clustersim::balancing {

int BalancingCluster::total_slots() const {
  int s = 0;  // at most kMaxTotalSlots (check_total_slots)
  for (const auto& n : nodes)
    s += n.slots;
  return s;
}

int BalancingCluster::find(const std::string& name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name) return static_cast<int>(i);
  return -1;
}

const LinkSpec& BalancingCluster::link_between(int from, int to) const {
  auto it = links.find({from, to});
  return it == links.end() ? link : it->second;
}

namespace {

constexpr int kMaxNodes = 1 << 20;
constexpr int kMaxSlots = 1 << 16;

bool is_json(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string::npos && text[first] == '{';
}

// A number at `ptr` within [lo, hi] (hi inclusive unless open_hi).
double number_in(const JsonInput& in, const std::string& ptr, double lo, double hi,
                 const char* what) {
  const double v = in.number(ptr);
  if (!(v >= lo && v <= hi))
    in.fail(ptr, fmt::format("{} must be in [{:g}, {:g}], not {:g}", what, lo, hi, v));
  return v;
}

void check_node(const NodeSpec& n, const std::string& path) {
  auto fail = [&](const std::string& m) { throw InputError(path, n.line, m); };
  if (n.name.empty()) fail("a node needs a name");
  if (n.slots < 1 || n.slots > kMaxSlots)
    fail(fmt::format("node '{}': slots must be in 1..{}, not {}", n.name, kMaxSlots, n.slots));
  if (!(n.speed > 0) || !std::isfinite(n.speed))
    fail(fmt::format("node '{}': speed must be positive", n.name));
  if (!(n.throttle > 0 && n.throttle <= 1))
    fail(fmt::format("node '{}': throttle must be in (0, 1]", n.name));
  if (!(n.weight > 0) || !std::isfinite(n.weight))
    fail(fmt::format("node '{}': weight must be positive", n.name));
}

LinkSpec read_link(const JsonInput& in, const std::string& ptr) {
  in.check_keys(ptr, {"latency_s", "latency_sd_s", "bandwidth_mbps", "loss", "from", "to"});
  LinkSpec l;
  for (const auto& [key, value] : in.at(ptr).items()) {
    const std::string p = ptr + "/" + json_pointer_token(key);
    if (key == "latency_s")
      l.latency_s = number_in(in, p, 0, 3600, "latency_s");
    else if (key == "latency_sd_s")
      l.latency_sd_s = number_in(in, p, 0, 3600, "latency_sd_s");
    else if (key == "bandwidth_mbps")
      l.bandwidth_mbps = number_in(in, p, 0, 1e9, "bandwidth_mbps");
    else if (key == "loss")
      l.loss = number_in(in, p, 0, 0.999, "loss");
  }
  return l;
}

NodeSpec read_node(const JsonInput& in, const std::string& ptr, int& count) {
  if (!in.at(ptr).is_object()) in.fail(ptr, "each node must be an object");
  in.check_keys(ptr, {"name", "slots", "speed", "throttle", "weight", "resources", "count"});
  NodeSpec n;
  n.line = in.line_of(ptr);
  count = 1;
  for (const auto& [key, value] : in.at(ptr).items()) {
    const std::string p = ptr + "/" + json_pointer_token(key);
    if (key == "name") {
      n.name = in.string(p);
    } else if (key == "slots") {
      const auto s = in.integer(p);
      if (s < 1 || s > kMaxSlots)
        in.fail(p, fmt::format("slots must be in 1..{}, not {}", kMaxSlots, s));
      n.slots = static_cast<int>(s);
    } else if (key == "speed") {
      n.speed = in.number(p);
      if (!(n.speed > 0)) in.fail(p, "speed must be positive");
    } else if (key == "throttle") {
      n.throttle = number_in(in, p, 1e-6, 1, "throttle");
    } else if (key == "weight") {
      n.weight = in.number(p);
      if (!(n.weight > 0)) in.fail(p, "weight must be positive");
    } else if (key == "count") {
      const auto c = in.integer(p);
      if (c < 1 || c > kMaxNodes) in.fail(p, "count must be >= 1");
      count = static_cast<int>(c);
    } else if (key == "resources") {
      if (!value.is_object()) in.fail(p, "resources must be an object of name: capacity");
      for (const auto& [r, v] : value.items())
        n.resources[r] = number_in(in, p + "/" + json_pointer_token(r), 0, 1e18, "a capacity");
    }
  }
  if (n.name.empty()) in.fail(ptr, "a node needs a 'name'");
  return n;
}

BalancingCluster read_json(const std::string& path, const std::string& text) {
  JsonInput in(path, text);
  if (!in.root().is_object()) in.fail("", "worker spec must be a JSON object");
  in.check_keys("", {"name", "nodes", "link", "links"});
  if (!in.has("/nodes") || !in.at("/nodes").is_array() || in.at("/nodes").empty())
    in.fail("/nodes", "worker spec needs a non-empty array 'nodes'");
  BalancingCluster c;
  c.path = path;
  // Node names to indices: a linear BalancingCluster::find per node would make a spec with a
  // million nodes ("count") take hours.
  std::unordered_map<std::string, int> index;
  const auto& nodes = in.at("/nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    int count = 1;
    NodeSpec n = read_node(in, fmt::format("/nodes/{}", i), count);
    if (c.nodes.size() + count > static_cast<std::size_t>(kMaxNodes))
      in.fail(fmt::format("/nodes/{}", i), "too many nodes");
    for (int k = 0; k < count; ++k) {
      NodeSpec copy = n;
      if (count > 1) copy.name = fmt::format("{}{}", n.name, k);
      if (!index.try_emplace(copy.name, static_cast<int>(c.nodes.size())).second)
        throw InputError(path, n.line, fmt::format("node '{}' named twice", copy.name));
      c.nodes.push_back(std::move(copy));
    }
  }
  if (in.has("/link")) {
    if (!in.at("/link").is_object()) in.fail("/link", "'link' must be an object");
    c.link = read_link(in, "/link");
  }
  if (in.has("/links")) {
    const auto& links = in.at("/links");
    if (!links.is_array()) in.fail("/links", "'links' must be an array");
    for (std::size_t i = 0; i < links.size(); ++i) {
      const std::string p = fmt::format("/links/{}", i);
      if (!links[i].is_object()) in.fail(p, "each link must be an object");
      auto node = [&](const std::string& end) {
        const auto it = index.find(in.string(p + "/" + end));
        if (it == index.end())
          in.fail(p + "/" + end, "unknown node '" + in.string(p + "/" + end) + "'");
        return it->second;
      };
      const int from = node("from"), to = node("to");
      LinkSpec l = c.link;
      const LinkSpec given = read_link(in, p);
      // Keys given override the default link; the others keep it.
      for (const auto& [key, value] : links[i].items()) {
        if (key == "latency_s") l.latency_s = given.latency_s;
        if (key == "latency_sd_s") l.latency_sd_s = given.latency_sd_s;
        if (key == "bandwidth_mbps") l.bandwidth_mbps = given.bandwidth_mbps;
        if (key == "loss") l.loss = given.loss;
      }
      c.links[{from, to}] = l;
    }
  }
  return c;
}

BalancingCluster read_csv(const std::string& path) {
  CsvReader csv(path);
  const auto name = csv.require({"name", "node"});
  const auto slots = csv.require({"slots"});
  const auto speed = csv.find({"speed"});
  const auto throttle = csv.find({"throttle"});
  const auto weight = csv.find({"weight"});
  BalancingCluster c;
  c.path = path;
  std::unordered_map<std::string, long> lines;  // name -> line, for duplicates
  while (csv.next()) {
    NodeSpec n;
    n.line = csv.line();
    n.name = csv.field(name);
    const auto s = csv.get_int(slots);
    if (s < 1 || s > kMaxSlots)
      csv.fail(fmt::format("column 'slots': must be in 1..{}, not {}", kMaxSlots, s));
    n.slots = static_cast<int>(s);
    if (speed) n.speed = csv.get_double(*speed);
    if (throttle) n.throttle = csv.get_double(*throttle);
    if (weight) n.weight = csv.get_double(*weight);
    check_node(n, path);
    if (const auto [it, fresh] = lines.try_emplace(n.name, csv.line()); !fresh)
      csv.fail(fmt::format("node '{}' named twice (first at line {})", n.name, it->second));
    if (c.nodes.size() >= static_cast<std::size_t>(kMaxNodes)) csv.fail("too many nodes");
    c.nodes.push_back(std::move(n));
  }
  if (c.nodes.empty()) csv.fail("worker spec has no node");
  return c;
}

}  // namespace

BalancingCluster read_balancing_cluster(const std::string& path) {
  const std::string text = read_file(path);
  BalancingCluster c = is_json(text) ? read_json(path, text) : read_csv(path);
  for (const auto& n : c.nodes)
    check_node(n, path);
  check_total_slots(c, path);
  return c;
}

void check_total_slots(const BalancingCluster& c, const std::string& where) {
  std::int64_t slots = 0;
  for (const auto& n : c.nodes)
    slots += n.slots;
  if (slots <= kMaxTotalSlots) return;
  const std::string what =
      fmt::format("the cluster has {} slots, more than {}", slots, kMaxTotalSlots);
  if (where.empty()) throw InputError(what);
  throw InputError(where, 0, what);
}

BalancingCluster uniform_cluster(int nodes, int slots, double speed, double throttle) {
  BalancingCluster c;
  for (int i = 0; i < nodes; ++i) {
    NodeSpec n;
    n.name = fmt::format("n{}", i);
    n.slots = slots;
    n.speed = speed;
    n.throttle = throttle;
    c.nodes.push_back(std::move(n));
  }
  return c;
}

}  // namespace clustersim::balancing
