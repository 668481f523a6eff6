#include "clustersim/training/analytic_throughput.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"

#ifndef CLUSTERSIM_CATALOG_DIR
#define CLUSTERSIM_CATALOG_DIR "throughputs/catalog"
#endif

namespace clustersim {

namespace {

// A catalogue number: {"value": x, "source": "..."}.
double cited(const JsonInput& in, const std::string& ptr) {
  const auto& v = in.at(ptr);
  if (!v.is_object() || !v.contains("value") || !v.contains("source")) {
    in.fail(ptr,
            "catalogue numbers must be {\"value\": number, \"source\": \"where it comes from\"}");
  }
  if (!v["source"].is_string() || v["source"].get<std::string>().empty()) {
    in.fail(ptr + "/source", "every catalogue number needs a non-empty source");
  }
  const double x = in.number(ptr + "/value");
  if (!(x > 0)) in.fail(ptr + "/value", "must be positive");
  return x;
}

ModelParams read_params(const JsonInput& in, const std::string& ptr, bool cite) {
  ModelParams p;
  auto get = [&](const char* key) {
    const std::string q = ptr + "/" + key;
    return cite ? cited(in, q) : in.number(q);
  };
  p.eff = get("eff");
  p.batch_half = get("batch_half");
  p.comm_eff = get("comm_eff");
  p.latency_s = get("latency_s");
  p.overlap = get("overlap");
  if (!(p.eff > 0) || !(p.batch_half > 0) || !(p.comm_eff > 0) || !(p.latency_s > 0) ||
      p.overlap < 0 || p.overlap > 1) {
    in.fail(ptr, "parameters must be positive and overlap in [0,1]");
  }
  return p;
}

class AnalyticThroughput final : public ThroughputModel {
 public:
  AnalyticThroughput(const Catalog& c, const std::string& gpu_type,
                     std::map<std::string, ModelParams> params, const Cluster& cluster,
                     std::string describe, AnalyticOptions o)
      : gpu_(c.gpu(gpu_type)),
        models_(c.models),
        params_(std::move(params)),
        default_(c.default_params),
        cluster_(cluster),
        describe_(std::move(describe)),
        opt_(o) {
    for (int g = 1; g <= cluster_.total_gpus(); ++g) {
      consolidated_bw_.push_back(consolidated_bottleneck_gbps(cluster_, g));
    }
  }
  double work(const Job& j) const override { return j.iterations; }
  double rate(const Job& j, int gpus, const NodeShares& where) const override {
    if (gpus <= 0 || gpus > cluster_.total_gpus()) return 0.0;
    auto m = models_.find(j.model);
    if (m == models_.end()) return 0.0;
    const double bw = where.empty() ? consolidated_bw_[gpus - 1] : placed_bw(where);
    return 1.0 / iteration_time(gpu_, m->second, params_for(j.model), j.batch_size, gpus, bw);
  }
  std::vector<int> levels(const Job& j) const override {
    std::vector<int> out;
    const int cap = std::min({opt_.max_gpus, cluster_.total_gpus(), std::max(1, j.batch_size)});
    for (int g = 1; g <= cap; g *= 2)
      out.push_back(g);
    return out;
  }
  void check(const Job& j, const std::string& trace) const override {
    if (!models_.count(j.model)) {
      throw InputError(
          trace, j.source_line,
          fmt::format("job '{}': model '{}' is not in the model catalogue", j.id, j.model));
    }
    if (j.batch_size <= 0) {
      throw InputError(
          trace, j.source_line,
          fmt::format("job '{}': the analytic throughput model needs a batch size", j.id));
    }
  }
  std::string describe() const override { return describe_; }

 private:
  GpuSpec gpu_;
  std::map<std::string, ModelSpec> models_;
  std::map<std::string, ModelParams> params_;
  ModelParams default_;
  Cluster cluster_;
  std::string describe_;
  AnalyticOptions opt_;
  std::vector<double> consolidated_bw_;

  // Ring bottlenecks by node set: the engine asks for the same placements many times.
  mutable std::map<std::vector<int>, double> placed_bw_;
  double placed_bw(const NodeShares& where) const {
    std::vector<int> key;
    for (auto& [n, g] : where) {
      if (g > 0) key.push_back(n);
    }
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
    auto it = placed_bw_.find(key);
    if (it != placed_bw_.end()) return it->second;
    const double bw = placement_bottleneck_gbps(cluster_, where);
    if (placed_bw_.size() < 100000) placed_bw_.emplace(std::move(key), bw);
    return bw;
  }
  const ModelParams& params_for(const std::string& model) const {
    auto it = params_.find(model);
    return it == params_.end() ? default_ : it->second;
  }
};

}  // namespace

const GpuSpec& Catalog::gpu(const std::string& name) const {
  auto it = gpus.find(name);
  if (it == gpus.end()) {
    std::string known;
    for (auto& [k, v] : gpus)
      known += (known.empty() ? "" : ", ") + k;
    throw InputError(dir + "/gpus.json", 0,
                     fmt::format("unknown GPU type '{}' (known: {})", name, known));
  }
  return it->second;
}

const ModelSpec& Catalog::model(const std::string& name) const {
  auto it = models.find(name);
  if (it == models.end()) {
    throw InputError(dir + "/models.json", 0, fmt::format("unknown model '{}'", name));
  }
  return it->second;
}

std::string default_catalog_dir() {
  return CLUSTERSIM_CATALOG_DIR;
}

Catalog read_catalog(const std::string& dir) {
  Catalog c;
  c.dir = dir;
  {
    JsonInput in(dir + "/gpus.json");
    if (!in.has("/gpus") || !in.at("/gpus").is_object()) in.fail("", "expected an object 'gpus'");
    for (auto& [name, v] : in.at("/gpus").items()) {
      const std::string p = "/gpus/" + json_pointer_token(name);
      GpuSpec g;
      g.name = name;
      g.fp32_tflops = cited(in, p + "/fp32_tflops");
      g.fp16_tflops = cited(in, p + "/fp16_tensor_tflops");
      g.memory_gb = cited(in, p + "/memory_gb");
      // Spec sheets give total bidirectional GB/s; a ring step uses one direction.
      g.intra_node_gbps = cited(in, p + "/intra_node_GBps_bidirectional") * 8.0 / 2.0;
      g.server_gpus = static_cast<int>(cited(in, p + "/server/gpus"));
      g.server_nic_gbps = cited(in, p + "/server/nic_gbps");
      c.gpus[name] = g;
    }
  }
  {
    JsonInput in(dir + "/models.json");
    if (!in.has("/models") || !in.at("/models").is_object())
      in.fail("", "expected an object 'models'");
    const double bytes_per_param = cited(in, "/gradient_bytes_per_param");
    const double train_factor = cited(in, "/train_flops_per_forward_flop");
    c.default_params = read_params(in, "/default_params", true);
    for (auto& [name, v] : in.at("/models").items()) {
      const std::string p = "/models/" + json_pointer_token(name);
      ModelSpec m;
      m.name = name;
      m.params = cited(in, p + "/params");
      m.grad_bytes = m.params * bytes_per_param;
      m.train_flops_per_sample = cited(in, p + "/forward_gflops_per_sample") * 1e9 * train_factor;
      if (in.has(p + "/precision")) {
        m.precision = in.string(p + "/precision");
        if (m.precision != "fp32" && m.precision != "fp16")
          in.fail(p + "/precision", "fp32 or fp16");
      }
      c.models[name] = m;
    }
  }
  return c;
}

double peak_flops(const GpuSpec& gpu, const ModelSpec& model) {
  return (model.precision == "fp16" ? gpu.fp16_tflops : gpu.fp32_tflops) * 1e12;
}

double iteration_time(const GpuSpec& gpu, const ModelSpec& model, const ModelParams& p,
                      double batch, int gpus, double bw_gbps) {
  const double b = batch / gpus;
  const double tc =
      model.train_flops_per_sample * (b + p.batch_half) / (peak_flops(gpu, model) * p.eff);
  double ts = 0;
  if (gpus > 1) {
    const double steps = 2.0 * (gpus - 1);
    ts = steps / gpus * model.grad_bytes * 8.0 / (p.comm_eff * bw_gbps * 1e9) + steps * p.latency_s;
  }
  return tc + ts - p.overlap * std::min(tc, ts);
}

Cluster reference_cluster(const GpuSpec& gpu, int total_gpus) {
  const int per = std::max(1, gpu.server_gpus);
  const int nodes = (total_gpus + per - 1) / per;
  std::vector<Switch> sw{Switch{0, "switch0", 1e9}};  // one non-blocking switch
  std::vector<Node> ns;
  for (int i = 0; i < nodes; ++i) {
    Node n;
    n.id = i;
    n.name = fmt::format("node{}", i);
    n.gpu_type = gpu.name;
    n.gpus = per;
    n.cpus = 1;
    n.mem_gb = 1;
    n.switch_id = 0;
    n.nic_gbps = gpu.server_nic_gbps;
    n.intra_node_gbps = gpu.intra_node_gbps;
    ns.push_back(n);
  }
  return Cluster("reference-" + gpu.name, std::move(sw), std::move(ns));
}

double consolidated_bottleneck_gbps(const Cluster& cluster, int gpus) {
  std::vector<int> used;
  int left = gpus;
  for (const auto& n : cluster.nodes()) {
    if (left <= 0) break;
    if (n.gpus == 0) continue;
    used.push_back(n.id);
    left -= n.gpus;
  }
  if (left > 0 || used.empty()) return 0;
  return cluster.ring_bottleneck_gbps(used);
}

double placement_bottleneck_gbps(const Cluster& cluster, const NodeShares& where) {
  std::vector<int> nodes;
  for (auto& [n, g] : where) {
    if (g > 0 && std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
  }
  return cluster.ring_bottleneck_gbps(nodes);
}

FittedParams read_fitted_params(const std::string& path) {
  JsonInput in(path);
  FittedParams f;
  if (!in.has("/gpu_type") || !in.has("/models")) {
    in.fail("", "a fitted-parameter file needs 'gpu_type' and 'models' (written by `profile fit`)");
  }
  f.gpu_type = in.string("/gpu_type");
  if (!in.at("/models").is_object()) in.fail("/models", "'models' must be an object");
  if (in.has("/catalog")) f.catalog_dir = in.string("/catalog");
  if (in.has("/table")) f.table = in.string("/table");
  for (auto& [name, v] : in.at("/models").items()) {
    f.models[name] = read_params(in, "/models/" + json_pointer_token(name) + "/params", false);
  }
  return f;
}

std::string fitted_params_json(const FittedParams& f) {
  nlohmann::ordered_json j;
  j["gpu_type"] = f.gpu_type;
  j["catalog"] = f.catalog_dir;
  j["table"] = f.table;
  j["model"] =
      "t = W(b+batch_half)/(F eff) + [2(n-1)/n G*8/(comm_eff BW 1e9) + 2(n-1) latency_s] "
      "- overlap*min(compute, sync); see include/clustersim/training/analytic_throughput.hpp";
  nlohmann::ordered_json ms = nlohmann::ordered_json::object();
  for (auto& [name, p] : f.models) {
    nlohmann::ordered_json q;
    q["eff"] = p.eff;
    q["batch_half"] = p.batch_half;
    q["comm_eff"] = p.comm_eff;
    q["latency_s"] = p.latency_s;
    q["overlap"] = p.overlap;
    ms[name]["params"] = q;
  }
  j["models"] = ms;
  return j.dump(2) + "\n";
}

std::unique_ptr<ThroughputModel> make_analytic_throughput(
    const Catalog& catalog, const std::string& gpu_type, std::map<std::string, ModelParams> params,
    const Cluster& cluster, std::string describe, AnalyticOptions options) {
  return std::make_unique<AnalyticThroughput>(catalog, gpu_type, std::move(params), cluster,
                                              std::move(describe), options);
}

}  // namespace clustersim
