#include "clustersim/training/run.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/training/analytic_throughput.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "clustersim/version.hpp"

namespace clustersim {

RunConfig RunConfig::from_json_file(const std::string& path) {
  JsonInput in(path);
  if (!in.root().is_object()) in.fail("", "run config must be a JSON object");
  namespace fs = std::filesystem;
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    return p.empty() || fs::path(p).is_absolute() ? p : (base / p).lexically_normal().string();
  };
  RunConfig c;
  for (auto& [key, value] : in.root().items()) {
    const std::string ptr = "/" + key;
    if (key == "cluster")
      c.cluster = resolve(in.string(ptr));
    else if (key == "trace")
      c.trace = resolve(in.string(ptr));
    else if (key == "trace_format")
      c.trace_format = in.string(ptr);
    else if (key == "throughputs")
      c.throughputs = resolve(in.string(ptr));
    else if (key == "policy")
      c.policy = in.string(ptr);
    else if (key == "out")
      c.out = resolve(in.string(ptr));
    else if (key == "seed") {
      auto s = in.integer(ptr);
      if (s < 0) in.fail(ptr, "'seed' must be >= 0");
      c.seed = static_cast<std::uint64_t>(s);
    } else if (key == "set") {
      if (!value.is_object()) in.fail(ptr, "'set' must be an object of key: value");
      for (auto& [k, v] : value.items()) {
        if (v.is_string())
          c.params.set(k, v.get<std::string>());
        else if (v.is_number() || v.is_boolean())
          c.params.set(k, v.dump());
        else if (v.is_array()) {
          std::string list;
          for (auto& e : v)
            list += (list.empty() ? "" : ",") + e.dump();
          c.params.set(k, list);
        } else {
          in.fail(ptr + "/" + k, fmt::format("parameter '{}' must be a string, number or list", k));
        }
      }
    } else {
      in.fail(ptr,
              fmt::format("unknown key '{}' (known: cluster, trace, trace_format, throughputs, "
                          "policy, seed, out, set)",
                          key));
    }
  }
  for (auto [key, val] :
       {std::pair{"cluster", &c.cluster}, {"trace", &c.trace}, {"policy", &c.policy}}) {
    if (val->empty()) in.fail("", fmt::format("run config needs '{}'", key));
  }
  return c;
}

namespace {

SimTime seconds_param(const Params& p, const std::string& key) {
  double s = p.get_double(key, 0);
  if (s < 0 || s > kMaxInputSeconds)
    throw InputError(fmt::format("parameter {} must be >= 0", key));
  return from_seconds(s);
}

std::string opt_time(SimTime t) {
  return t < 0 ? "" : format_seconds(t);
}

// Throughput source: --throughputs FILE.json (parameters from `profile fit`), --set
// throughput=analytic (catalogue defaults for --set gpu_type), a measured table, or the trace's
// durations. throughput.links=catalog replaces the cluster's node links (NIC, intra-node) by
// the GPU type's reference server in gpus.json, the links the fitted parameters refer to; it is
// the default for 5-column CSV cluster specs, which carry no link speeds. JSON specs default to
// throughput.links=cluster (their own link speeds).
std::unique_ptr<ThroughputModel> make_run_throughput(const RunConfig& cfg, const Cluster& cluster,
                                                     const std::string& gpu_type) {
  const Params& p = cfg.params;
  const std::string kind = p.get_string("throughput", "");
  const bool fitted = cfg.throughputs.size() > 5 &&
                      cfg.throughputs.compare(cfg.throughputs.size() - 5, 5, ".json") == 0;
  if (!kind.empty() && kind != "analytic") {
    throw InputError(fmt::format("parameter throughput={}: the only value is 'analytic'", kind));
  }
  if (!fitted && kind.empty()) {
    return cfg.throughputs.empty() ? make_duration_throughput(cluster.total_gpus())
                                   : make_table_throughput(read_throughput_table(cfg.throughputs));
  }
  if (kind == "analytic" && !cfg.throughputs.empty() && !fitted) {
    throw InputError(
        "throughput=analytic takes no measured table; pass a fitted FILE.json or none");
  }
  const Catalog catalog = read_catalog(p.get_string("throughput.catalog", default_catalog_dir()));
  std::map<std::string, ModelParams> params;
  std::string gpu = gpu_type, describe;
  if (fitted) {
    FittedParams f = read_fitted_params(cfg.throughputs);
    gpu = f.gpu_type;
    params = std::move(f.models);
    describe = "fitted:" + cfg.throughputs;
  } else {
    if (gpu_type == "generic") {
      throw InputError("throughput=analytic needs --set gpu_type=TYPE (a GPU of the catalogue)");
    }
    describe = "analytic:" + gpu_type;
  }
  const GpuSpec& spec = catalog.gpu(gpu);
  const std::string spec_text = read_file(cfg.cluster);
  const auto first = spec_text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  const bool json_spec = first != std::string::npos && spec_text[first] == '{';
  const std::string links = p.get_string("throughput.links", json_spec ? "cluster" : "catalog");
  if (links == "cluster") {
    return make_analytic_throughput(catalog, gpu, std::move(params), cluster, describe,
                                    {cluster.total_gpus()});
  }
  if (links != "catalog") throw InputError("parameter throughput.links must be cluster or catalog");
  std::vector<Node> nodes = cluster.nodes();
  for (auto& n : nodes) {
    n.nic_gbps = spec.server_nic_gbps;
    n.intra_node_gbps = spec.intra_node_gbps;
  }
  const Cluster relinked(cluster.name(), cluster.switches(), std::move(nodes));
  return make_analytic_throughput(catalog, gpu, std::move(params), relinked,
                                  describe + " (catalogue links)", {cluster.total_gpus()});
}

}  // namespace

RunReport execute_run(const RunConfig& cfg, const ProgressFn& progress) {
  const auto wall0 = std::chrono::steady_clock::now();
  // Random components default to the run's seed unless given their own.
  RunConfig resolved = cfg;
  resolved.params.set_default("placement.seed", std::to_string(cfg.seed));
  const Params& p = resolved.params;
  if (cfg.cluster.empty()) throw InputError("no cluster given (--cluster)");
  if (cfg.trace.empty()) throw InputError("no trace given (--trace)");
  const auto& policy_entry = training_policies().get(cfg.policy);  // unknown policy: exit 2 early

  const std::string gpu_type = p.get_string("gpu_type", "generic");
  const Cluster cluster = read_cluster_spec(cfg.cluster, gpu_type);
  TraceReadOptions ro;
  ro.max_gpus = cluster.total_gpus();
  const Trace trace = read_trace(cfg.trace, cfg.trace_format, ro);

  std::unique_ptr<ThroughputModel> tp = make_run_throughput(resolved, cluster, gpu_type);
  {
    const double node_f = p.get_double("locality.cross_node_factor", 1.0);
    const double switch_f = p.get_double("locality.cross_switch_factor", 1.0);
    if (!(node_f > 0 && node_f <= 1) || !(switch_f > 0 && switch_f <= 1)) {
      throw InputError(
          "locality.cross_node_factor and locality.cross_switch_factor must be in (0, 1]");
    }
    if (node_f != 1.0 || switch_f != 1.0)
      tp = make_locality_throughput(std::move(tp), cluster, node_f, switch_f);
  }
  for (const auto& j : trace.jobs)
    tp->check(j, trace.path);

  const std::string placement_name = p.get_string("placement", "count");
  const std::string overhead_name = p.get_string("overhead", "none");
  auto placement = placement_schemes().get(placement_name).factory(cluster, p);
  auto overhead = overhead_models().get(overhead_name).factory(p);
  auto policy = policy_entry.factory(PolicyEnv{cluster, p});
  EngineConfig ec;
  ec.slot = seconds_param(p, "engine.slot_s");
  ec.min_interval = seconds_param(p, "engine.min_interval_s");
  ec.event_queue = p.get_string("engine.event_queue", "radix");
  ec.whole_seconds = p.get_bool("engine.whole_seconds", false);
  ec.efficiency = p.get_bool("engine.efficiency", false);
  const auto run_index = p.get_int("run", 0);
  p.check_all_used();

  TrainingEngine engine(cluster, trace, *tp, *placement, *overhead, *policy, ec);
  if (progress) engine.set_progress(progress);
  RunReport rep;
  rep.result = engine.run();
  const auto& res = rep.result;

  // Metrics.
  std::vector<double> jcts;
  double gpu_s = 0;
  SimTime first_submit = kForever, last_finish = 0;
  int deadline_jobs = 0, deadline_met = 0, preemptions = 0, finished = 0, rejected = 0;
  std::string csv =
      "job_id,model,submit_s,first_start_s,finish_s,jct_s,gpus,deadline_s,deadline_met,"
      "preemptions,resumes,resizes,pending_s,run_s,gpu_s,status";
  const auto extra = policy->extra_job_columns(trace.jobs.size());
  for (const auto& col : extra) {
    if (col.values.size() != trace.jobs.size())
      throw InvariantError("extra column " + col.name + " has the wrong size");
    csv += "," + col.name;
  }
  csv += "\n";
  for (const auto& j : trace.jobs) {
    const auto& r = res.jobs[j.index];
    first_submit = std::min(first_submit, j.submit);
    gpu_s += r.gpu_time_s;
    preemptions += r.preemptions;
    const bool done = r.status == JobStatus::kFinished;
    std::string met;
    if (j.deadline) {
      ++deadline_jobs;
      bool ok = done && r.finish <= *j.deadline;
      deadline_met += ok;
      met = ok ? "1" : "0";
    }
    if (done) {
      ++finished;
      jcts.push_back(to_seconds(r.finish - j.submit));
      last_finish = std::max(last_finish, r.finish);
    }
    rejected += r.status == JobStatus::kRejected;
    const char* status = done                               ? "finished"
                         : r.status == JobStatus::kRejected ? "rejected"
                         : r.status == JobStatus::kRunning  ? "running"
                                                            : "pending";
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", j.id, j.model,
                       format_seconds(j.submit), opt_time(r.first_start), opt_time(r.finish),
                       done ? format_seconds(r.finish - j.submit) : "", j.gpus,
                       j.deadline ? format_seconds(*j.deadline) : "", met, r.preemptions, r.resumes,
                       r.resizes, format_seconds(r.pending_time), format_seconds(r.run_time),
                       fmt::format("{:.6f}", r.gpu_time_s), status);
    if (!extra.empty()) {
      csv.pop_back();
      for (const auto& col : extra)
        csv += "," + col.values[j.index];
      csv += "\n";
    }
  }
  rep.jobs_csv = std::move(csv);
  const double makespan = finished ? to_seconds(last_finish - first_submit) : 0.0;

  std::string cl = ec.efficiency ? "time_s,busy_gpus,running,pending,efficiency\n"
                                 : "time_s,busy_gpus,running,pending\n";
  for (const auto& s : res.samples) {
    cl += fmt::format("{},{},{},{}", format_seconds(s.time), s.busy_gpus, s.running, s.pending);
    cl += ec.efficiency ? fmt::format(",{:.6f}\n", s.efficiency) : std::string("\n");
  }
  rep.cluster_csv = std::move(cl);

  using nlohmann::json;
  json& s = rep.summary;
  s["jobs"] = trace.jobs.size();
  s["jobs_finished"] = finished;
  s["jobs_rejected"] = rejected;
  s["jct_mean_s"] = mean(jcts);
  s["jct_median_s"] = median(jcts);
  s["jct_p99_s"] = percentile_index(jcts, 0.99);
  s["makespan_s"] = makespan;
  s["deadline_jobs"] = deadline_jobs;
  s["deadline_satisfaction"] =
      deadline_jobs ? json(static_cast<double>(deadline_met) / deadline_jobs) : json(nullptr);
  // GPUs shared by a group count once.
  s["gpu_utilization"] =
      makespan > 0 ? (gpu_s - res.shared_gpu_excess_s) / (cluster.total_gpus() * makespan) : 0.0;
  s["preemptions"] = preemptions;
  {
    std::vector<double> be;
    for (const auto& j : trace.jobs) {
      const auto& r = res.jobs[j.index];
      if (j.best_effort && r.status == JobStatus::kFinished)
        be.push_back(to_seconds(r.finish - j.submit));
    }
    if (!be.empty()) s["jct_mean_best_effort_s"] = mean(be);
  }
  if (ec.efficiency && !res.samples.empty()) {
    // Time-weighted cluster efficiency between the first and the last scheduling point.
    double area = 0, span = 0;
    for (std::size_t k = 0; k + 1 < res.samples.size(); ++k) {
      const double dt = to_seconds(res.samples[k + 1].time - res.samples[k].time);
      area += res.samples[k].efficiency * dt;
      span += dt;
    }
    s["efficiency_mean"] = span > 0 ? area / span : res.samples.front().efficiency;
  }
  // Policies that judge deadlines differently (ElasticFlow: by planned finish, refusals in the
  // denominator) overwrite this in report(); for the others both counts are the same.
  s["deadline_satisfaction_artifact"] = s["deadline_satisfaction"];
  policy->report(s);

  json run;
  run["program"] = "clustersim";
  run["version"] = CLUSTERSIM_VERSION;
  run["family"] = "training";
  run["policy"] = cfg.policy;
  run["cluster"] = cfg.cluster;
  run["cluster_gpus"] = cluster.total_gpus();
  run["trace"] = cfg.trace;
  run["trace_format"] = trace.format;
  run["throughputs"] = tp->describe();
  run["placement"] = placement_name;
  run["overhead"] = overhead_name;
  run["seed"] = cfg.seed;
  run["run"] = run_index;
  run["params"] = p.values();
  json hashes;
  hashes["cluster"] = file_hash(cfg.cluster);
  hashes["trace"] = file_hash(cfg.trace);
  run["input_hashes"] = hashes;
  run["events"] = res.events;
  run["scheduling_points"] = res.scheduling_points;
  run["policy_s"] = res.policy_s;
  run["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  s["run"] = run;
  return rep;
}

void write_run(const RunConfig& cfg, const RunReport& rep) {
  if (cfg.out.empty()) throw InputError("no output folder given (--out)");
  std::error_code ec;
  std::filesystem::create_directories(cfg.out, ec);
  if (ec) throw InputError(cfg.out, 0, "cannot create output folder: " + ec.message());
  // All three or none; summary.json is renamed last, so its presence marks a complete set.
  write_files_atomically({{cfg.out + "/jobs.csv", rep.jobs_csv},
                          {cfg.out + "/cluster.csv", rep.cluster_csv},
                          {cfg.out + "/summary.json", rep.summary.dump(2) + "\n"}});
}

}  // namespace clustersim
