// Placement schemes of the Tiresias simulator, plus the paper's skew-based consolidation:
//
//   yarn           the simulator's default `yarn` (MS-YARN): all GPUs from one switch (switches
//                  tried in order). A job with at most G GPUs (G = GPUs per node) takes the first
//                  node of the switch with enough free GPUs, CPUs (2 for a 1-GPU job, else 6 per
//                  GPU: worker 2 + PS 4) and 5 GB of memory (a worker's); a larger job takes the
//                  first floor(g/G) completely free nodes (each with 6 x G free CPUs and
//                  (6 + 0.1 g + 5) x G GB) and then the first other node fitting the remainder
//                  (6 CPUs and 6 + 0.1 g + 5 GB per GPU). The original never returns memory when
//                  preemptive schedules re-place running jobs (research/tiresias_muri.md §1.11.1):
//                  memory is charged at every placement and only the last placement's is given back
//                  when the job completes, so such runs stall with jobs left pending. Off by
//                  default; `placement.yarn_leak_memory=true` reproduces it (the scheme then keeps
//                  its own memory ledger, assuming every successful place() call is a real
//                  placement, as it is for the Tiresias policies here).
//   random         the simulator's `random`: each GPU (worker) scans the nodes cyclically from a
//                  uniformly random start for one with a free GPU and 2 free CPUs. Draws come
//                  from RngStream(placement.seed (default: the run's --seed), run,
//                  "placement.random"). The original also puts each of the g parameter servers (4
//                  CPUs) on a random node; not modelled (they consume CPUs only).
//   tiresias-skew  Tiresias' profile-based consolidation (paper §4.2, not in the simulator): the
//                  job's tensors (placement.tensor_sizes = model_tensor_sizes_mb.csv) are spread
//                  round-robin over g parameter servers; skew S = max PS load / mean PS load
//                  (loads rounded to 0.1 MB as the simulator does). S > placement.packlimit
//                  (required; the paper learns it) -> `yarn` consolidation, else the GPUs may be
//                  scattered: first fit over the nodes in order, any switch. 1-GPU jobs: S = 1.
//                  Unknown models use placement.default_model (inception3, as the simulator's
//                  model lookup silently does).
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "clustersim/training/placement.hpp"

namespace clustersim {
namespace {

constexpr double kWorkerMemGb = 5, kPsMemGb = 6, kPsMemPerWorkerGb = 0.1;

class YarnPlacement : public PlacementScheme {
 public:
  explicit YarnPlacement(const Cluster& c, bool leak_memory = false)
      : cluster_(c),
        per_node_(std::max(1, c.max_gpus_per_node())),
        leak_(leak_memory),
        mem_used_(c.nodes().size(), 0.0) {}

  std::optional<NodeShares> place(const Job& job, int gpus, ClusterState& s) const override {
    if (s.total_free_gpus < gpus) return std::nullopt;
    ClusterState leaky;
    if (leak_) {  // memory is the scheme's own ledger: every placement ever, minus completions
      leaky = s;
      for (std::size_t n = 0; n < mem_used_.size(); ++n) {
        leaky.free_mem_gb[n] = cluster_.nodes()[n].mem_gb - mem_used_[n];
      }
    }
    const ClusterState& view = leak_ ? leaky : s;
    for (std::size_t sw = 0; sw < cluster_.switches().size(); ++sw) {
      auto where = gpus > per_node_ ? cross_node(job, gpus, static_cast<int>(sw), view)
                                    : single_node(job, gpus, static_cast<int>(sw), view);
      if (where) {
        take(s, *where, gpus);
        charge_for(gpus, *where, s, +1);
        if (leak_) {
          for (auto [node, g] : *where)
            mem_used_[node] += mem_of(gpus, g);
        }
        return where;
      }
    }
    return std::nullopt;
  }
  bool assigns_nodes() const override { return true; }
  void charge_extra(const Job& job, const NodeShares& where, ClusterState& s,
                    int sign) const override {
    charge_for(job.gpus, where, s, sign);
    if (leak_ && sign < 0) {  // the original returns the last placement's memory at completion
      for (auto [node, g] : where)
        mem_used_[node] -= mem_of(job.gpus, g);
    }
  }

 protected:
  const Cluster& cluster_;
  int per_node_;
  bool leak_;
  mutable std::vector<double> mem_used_;

  double mem_of(int job_gpus, int gpus_here) const {
    return job_gpus <= per_node_ ? kWorkerMemGb : ps_worker_mem(job_gpus) * gpus_here;
  }

  double ps_worker_mem(int gpus) const {
    return kPsMemGb + kPsMemPerWorkerGb * gpus + kWorkerMemGb;
  }
  int single_cpus(int gpus) const { return gpus == 1 ? 2 : 6 * gpus; }

  void charge_for(int gpus, const NodeShares& where, ClusterState& s, int sign) const {
    for (auto [node, g] : where) {
      if (gpus <= per_node_) {
        s.free_cpus[node] -= sign * single_cpus(gpus);
      } else {
        s.free_cpus[node] -= sign * 6 * g;
      }
      s.free_mem_gb[node] -= sign * mem_of(gpus, g);
    }
  }

  std::optional<NodeShares> single_node(const Job&, int gpus, int sw, const ClusterState& s) const {
    const auto& nodes = cluster_.nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].switch_id != sw) continue;
      if (s.free_gpus[i] >= gpus && s.free_cpus[i] >= single_cpus(gpus) &&
          s.free_mem_gb[i] >= kWorkerMemGb) {
        return NodeShares{{static_cast<int>(i), gpus}};
      }
    }
    return std::nullopt;
  }

  std::optional<NodeShares> cross_node(const Job&, int gpus, int sw, const ClusterState& s) const {
    const auto& nodes = cluster_.nodes();
    const int full = gpus / per_node_, rest = gpus % per_node_;
    const double mem = ps_worker_mem(gpus);
    NodeShares out;
    std::vector<char> used(nodes.size(), 0);
    for (std::size_t i = 0; i < nodes.size() && static_cast<int>(out.size()) < full; ++i) {
      const int g = nodes[i].gpus;
      if (nodes[i].switch_id == sw && g == per_node_ && s.free_gpus[i] == g &&
          s.free_cpus[i] >= 6 * g && s.free_mem_gb[i] >= mem * g) {
        out.emplace_back(static_cast<int>(i), g);
        used[i] = 1;
      }
    }
    if (static_cast<int>(out.size()) < full) return std::nullopt;
    if (rest > 0) {
      bool found = false;
      for (std::size_t i = 0; i < nodes.size() && !found; ++i) {
        if (nodes[i].switch_id == sw && !used[i] && s.free_gpus[i] >= rest &&
            s.free_cpus[i] >= 6 * rest && s.free_mem_gb[i] >= mem * rest) {
          out.emplace_back(static_cast<int>(i), rest);
          found = true;
        }
      }
      if (!found) return std::nullopt;
    }
    return out;
  }
};

class RandomPlacement final : public PlacementScheme {
 public:
  RandomPlacement(const Cluster& c, std::uint64_t seed, std::uint64_t run)
      : cluster_(c), rng_(seed, run, "placement.random") {}

  std::optional<NodeShares> place(const Job&, int gpus, ClusterState& s) const override {
    if (s.total_free_gpus < gpus) return std::nullopt;
    const int n = static_cast<int>(cluster_.nodes().size());
    std::map<int, int> per_node;
    ClusterState trial = s;
    for (int w = 0; w < gpus; ++w) {
      const int start = static_cast<int>(rng_.uniform_int(0, n - 1));
      bool ok = false;
      for (int k = 0; k < n && !ok; ++k) {
        const int i = (start + k) % n;
        if (trial.free_gpus[i] >= 1 && trial.free_cpus[i] >= 2) {
          --trial.free_gpus[i];
          trial.free_cpus[i] -= 2;
          ++per_node[i];
          ok = true;
        }
      }
      if (!ok) return std::nullopt;
    }
    NodeShares out(per_node.begin(), per_node.end());
    trial.total_free_gpus -= gpus;
    s = std::move(trial);
    return out;
  }
  bool assigns_nodes() const override { return true; }
  void charge_extra(const Job&, const NodeShares& where, ClusterState& s, int sign) const override {
    for (auto [node, g] : where)
      s.free_cpus[node] -= sign * 2 * g;
  }

 private:
  const Cluster& cluster_;
  mutable RngStream rng_;
};

/// Per-model tensor sizes (MB) from model_tensor_sizes_mb.csv.
std::map<std::string, std::vector<double>> read_tensor_sizes(const std::string& path) {
  CsvReader csv(path);
  const auto name = csv.require({"model_name"});
  const auto sizes = csv.require({"tensor_sizes_mb_semicolon_separated"});
  std::map<std::string, std::vector<double>> out;
  while (csv.next()) {
    std::vector<double> v;
    std::stringstream ss(csv.field(sizes));
    std::string cell;
    while (std::getline(ss, cell, ';')) {
      auto d = parse_double(cell);
      if (!d || *d < 0) csv.fail(fmt::format("bad tensor size '{}'", cell));
      v.push_back(*d);
    }
    if (v.empty()) csv.fail("model without tensors");
    out[csv.field(name)] = std::move(v);
  }
  return out;
}

class SkewPlacement final : public YarnPlacement {
 public:
  SkewPlacement(const Cluster& c, std::map<std::string, std::vector<double>> tensors,
                std::string fallback, double packlimit)
      : YarnPlacement(c),
        tensors_(std::move(tensors)),
        fallback_(std::move(fallback)),
        packlimit_(packlimit) {}

  std::optional<NodeShares> place(const Job& job, int gpus, ClusterState& s) const override {
    if (skew(job.model, gpus) > packlimit_) return YarnPlacement::place(job, gpus, s);
    if (s.total_free_gpus < gpus) return std::nullopt;
    NodeShares out;
    int left = gpus;
    for (std::size_t i = 0; i < s.free_gpus.size() && left > 0; ++i) {
      const int g = std::min(left, s.free_gpus[i]);
      if (g > 0) {
        out.emplace_back(static_cast<int>(i), g);
        left -= g;
      }
    }
    if (left > 0) return std::nullopt;
    take(s, out, gpus);
    return out;
  }
  void charge_extra(const Job& job, const NodeShares& where, ClusterState& s,
                    int sign) const override {
    if (skew(job.model, job.gpus) > packlimit_) YarnPlacement::charge_extra(job, where, s, sign);
  }

  /// max / mean of the per-PS load with tensors assigned round-robin to `gpus` PSs.
  double skew(const std::string& model, int gpus) const {
    if (gpus <= 1) return 1.0;
    auto it = tensors_.find(model);
    if (it == tensors_.end()) it = tensors_.find(fallback_);
    if (it == tensors_.end())
      throw InputError(
          fmt::format("placement tiresias-skew: no tensor sizes for model '{}'", model));
    std::vector<double> ps(gpus, 0.0);
    for (std::size_t k = 0; k < it->second.size(); ++k)
      ps[k % gpus] += it->second[k];
    double sum = 0, mx = 0;
    for (double& v : ps) {
      v = std::round(v * 10) / 10;
      sum += v;
      mx = std::max(mx, v);
    }
    return sum > 0 ? mx / (sum / gpus) : 1.0;
  }

 private:
  std::map<std::string, std::vector<double>> tensors_;
  std::string fallback_;
  double packlimit_;
};

const bool registered = [] {
  auto& r = placement_schemes();
  r.add("yarn", "Tiresias MS-YARN: one switch, consolidated, with the simulator's CPU/memory rules",
        [](const Cluster& c, const Params& p) {
          return std::make_unique<YarnPlacement>(c, p.get_bool("placement.yarn_leak_memory"));
        },
        {param::flag("placement.yarn_leak_memory", false,
                     "the simulator's quirk: memory of preempted jobs is never given back")});
  r.add("random",
        "Tiresias random: each GPU on a random node with a free GPU and 2 CPUs (placement.seed)",
        [](const Cluster& c, const Params& p) {
          const auto seed = p.get_int("placement.seed");
          const auto run = p.get_int("run");
          return std::make_unique<RandomPlacement>(c, static_cast<std::uint64_t>(seed),
                                                   static_cast<std::uint64_t>(run));
        },
        {param::integer("placement.seed", 1, "", "seed of the random placement (default: --seed)",
                        0)});
  r.add("tiresias-skew",
        "Tiresias paper: consolidate (yarn) when tensor skew > placement.packlimit, else scatter",
        [](const Cluster& c, const Params& p) {
          const std::string file = p.get_string("placement.tensor_sizes");
          if (file.empty()) {
            throw InputError(
                "placement tiresias-skew needs --set placement.tensor_sizes=PATH "
                "(the Tiresias anchors' model_tensor_sizes_mb.csv)");
          }
          if (!p.has("placement.packlimit"))
            throw InputError("placement tiresias-skew needs --set placement.packlimit=S");
          return std::make_unique<SkewPlacement>(c, read_tensor_sizes(file),
                                                 p.get_string("placement.default_model"),
                                                 p.get_double("placement.packlimit"));
        },
        {param::path("placement.tensor_sizes",
                     "per-model tensor sizes (the Tiresias anchors' model_tensor_sizes_mb.csv; "
                     "required)"),
         param::real("placement.packlimit", 1, "",
                     "consolidate when tensor skew (max/mean) exceeds this (required)", 1),
         param::text("placement.default_model", "inception3",
                     "model whose sizes stand in for models missing from the file")});
  return true;
}();

}  // namespace
}  // namespace clustersim
