#include "training/muri/sim.hpp"

#include "clustersim/training/iteration_clock.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::muri {

namespace {
constexpr double kWorkerMemGb = 5, kPsMemGb = 6, kPsPerWorkerMemGb = 0.1;
}

YarnPlacer::YarnPlacer(const Cluster& c) : cluster_(c), switch_nodes_(c.switches().size()) {
  for (const auto& n : c.nodes())
    switch_nodes_.at(n.switch_id).push_back(n.id);
  reset();
}

void YarnPlacer::reset() {
  const auto& nodes = cluster_.nodes();
  gpus_.resize(nodes.size());
  cpus_.resize(nodes.size());
  mem_.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    gpus_[i] = nodes[i].gpus;
    cpus_[i] = nodes[i].cpus;
    mem_[i] = nodes[i].mem_gb;
  }
}

std::optional<NodeShares> YarnPlacer::place(int need) {
  const auto& nodes = cluster_.nodes();
  for (const auto& sw : switch_nodes_) {
    if (sw.empty()) continue;
    const int per_node = nodes[sw.front()].gpus;
    if (need <= per_node) {
      const int cpu = need == 1 ? 2 : 6 * need;
      for (int n : sw) {
        if (gpus_[n] >= need && cpus_[n] >= cpu && mem_[n] >= kWorkerMemGb) {
          gpus_[n] -= need;
          cpus_[n] -= cpu;
          mem_[n] -= kWorkerMemGb;
          return NodeShares{{n, need}};
        }
      }
      continue;
    }
    const int full = need / per_node, last = need % per_node;
    const double mem_per_gpu = kPsMemGb + need * kPsPerWorkerMemGb + kWorkerMemGb;
    std::vector<int> chosen;
    for (int n : sw) {
      if (static_cast<int>(chosen.size()) == full) break;
      if (gpus_[n] == nodes[n].gpus && cpus_[n] >= 6 * per_node &&
          mem_[n] >= mem_per_gpu * nodes[n].gpus) {
        chosen.push_back(n);
      }
    }
    if (static_cast<int>(chosen.size()) < full) continue;
    int last_node = -1;
    if (last != 0) {
      for (int n : sw) {
        if (std::find(chosen.begin(), chosen.end(), n) != chosen.end()) continue;
        if (gpus_[n] >= last && cpus_[n] >= 6 * last && mem_[n] >= mem_per_gpu * last) {
          last_node = n;
          break;
        }
      }
      if (last_node < 0) continue;
    }
    NodeShares out;
    for (int n : chosen) {
      const int g = nodes[n].gpus;
      gpus_[n] -= g;
      cpus_[n] -= 6 * per_node;
      mem_[n] -= mem_per_gpu * g;
      out.emplace_back(n, g);
    }
    if (last_node >= 0) {
      gpus_[last_node] -= last;
      cpus_[last_node] -= 6 * last;
      mem_[last_node] -= mem_per_gpu * last;
      out.emplace_back(last_node, last);
    }
    return out;
  }
  return std::nullopt;
}

RestartOverheads::RestartOverheads(const Params& p) {
  enabled_ = p.get_string("muri.overhead") != "none";
  default_s_ = p.get_double("muri.overhead_default_s");
  const auto path = p.get_string("muri.overhead_table");
  if (path.empty()) return;
  CsvReader csv(path);
  const auto m = csv.require({"model_name", "model"}), g = csv.require({"num_gpu", "gpus"}),
             s = csv.require({"restart_overhead_s", "seconds"});
  while (csv.next()) {
    const auto gpus = csv.get_int(g);
    if (gpus < 1 || gpus > (1 << 20)) csv.fail("GPU count must be in 1..1048576");
    const double sec = csv.get_double(s);
    if (sec < 0) csv.fail("overhead must be >= 0");
    table_[{static_cast<int>(gpus), csv.field(m)}] = sec;
  }
}

ParamSpecs RestartOverheads::specs() {
  return {param::choice("muri.overhead", "every_event", {"every_event", "none"},
                        "Muri's restart overhead charged at every event, or none"),
          param::real("muri.overhead_default_s", 10, "s",
                      "restart overhead of (model, GPUs) pairs not in the table", 0),
          param::path("muri.overhead_table",
                      "CSV model_name,num_gpu,restart_overhead_s (Muri's restart_overhead_s.csv)")};
}

double RestartOverheads::seconds(int gpus, const std::string& model) const {
  if (!enabled_) return -1;
  auto it = table_.find({gpus, model});
  return it == table_.end() ? default_s_ : it->second;
}

double isolated_iteration_time(const Job& job) {
  if (job.iterations > 0 && job.iteration_time_s) {
    // Muri: ms x 1.015 / 1000, which is not always (ms / 1000) x 1.015 to the last bit.
    const double ms = *job.iteration_time_s * 1000;
    const double whole = std::nearbyint(ms);
    return (std::fabs(ms - whole) < 1e-9 ? whole : ms) * kIsolatedCalibration / 1000;
  }
  // Other formats: Muri's duration = iterations x iteration time; without stage times (all 0)
  // no group has a positive interleaving efficiency, so such jobs always run alone.
  if (job.iterations > 0 && job.duration_s && *job.duration_s > 0) {
    return *job.duration_s / job.iterations * kIsolatedCalibration;
  }
  throw InputError(
      fmt::format("job {} (trace line {}): muri-* policies need iterations and an "
                  "iteration time (Muri trace) or a duration",
                  job.id, job.source_line));
}

std::array<double, 3> stage_times(const Job& job) {
  const auto& t = job.stage_time_s;
  if (t[0] > 0 || t[1] > 0 || t[2] > 0) return t;
  return {0.0, isolated_iteration_time(job) / kIsolatedCalibration, 0.0};
}

double remaining_iterations(const SchedulingContext& ctx, int job) {
  return clock_job(ctx, job).iterations_left;
}

}  // namespace clustersim::muri
