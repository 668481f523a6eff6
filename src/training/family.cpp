// The training family in the run pipeline: inputs, the parameters of the engine and of the
// throughput model, and the assembly of cluster, trace, throughput model, placement, overhead
// model and policy into a TrainingEngine.
#include <filesystem>

#include <fmt/format.h>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/metrics/training_metrics.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/training/analytic_throughput.hpp"
#include "clustersim/training/family.hpp"
#include "clustersim/training/trace_reader.hpp"

namespace clustersim {

const ParamSpecs& training_params() {
  static const ParamSpecs specs = {
      param::text("gpu_type", "generic",
                  "GPU type of CSV cluster specs (and of the analytic model)"),
      param::integer("run", 0, "", "replication index for the random streams", 0),
      param::text("placement", "count",
                  "placement scheme (`clustersim list`); an error with a policy that places "
                  "jobs itself"),
      param::text("overhead", "none",
                  "preemption/resize overhead model (`clustersim list`); an error with a policy "
                  "that charges its artifact's own overheads"),
      param::real("engine.slot_s", 0, "s", "periodic scheduling points every slot (0 = none)", 0,
                  kMaxInputSeconds),
      param::real("engine.min_interval_s", 0, "s",
                  "minimum spacing of scheduling points; events in between are coalesced", 0,
                  kMaxInputSeconds),
      param::choice("engine.event_queue", "radix", {"radix", "heap", "map"},
                    "future-event set implementation (same order, different speed)"),
      param::flag("engine.whole_seconds", false,
                  "round completions up to whole seconds (the ElasticFlow artifact)"),
      param::flag("engine.efficiency", false,
                  "record cluster efficiency in cluster.csv and efficiency_mean"),
      param::flag("engine.allow_unfinished", false,
                  "a run that ends with jobs that can never run reports them as unfinished "
                  "(null metrics) instead of stopping with an error"),
      param::choice("throughput", "auto", {"auto", "analytic"},
                    "auto: the --throughputs table or the trace's durations; analytic: the "
                    "catalogue model for gpu_type"),
      param::path("throughput.catalog",
                  "GPU and model catalogue of the analytic model (default: the shipped "
                  "throughputs/catalog)"),
      param::choice("throughput.links", "auto", {"auto", "cluster", "catalog"},
                    "links of the analytic model: the cluster's, or the GPU type's reference "
                    "server (auto: catalog for CSV specs, cluster for JSON)"),
      param::real("locality.cross_node_factor", 1, "",
                  "rate factor per extra node a job spans (1 = off)", 0, 1),
      param::real("locality.cross_switch_factor", 1, "",
                  "rate factor per extra switch a job spans (1 = off)", 0, 1),
  };
  return specs;
}

namespace {

SimTime seconds_param(const Params& p, const std::string& key) {
  return from_seconds(p.get_double(key));
}

bool is_json_spec(const std::string& path) {
  const std::string text = read_file(path);
  const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string::npos && text[first] == '{';
}

// Throughput source: --throughputs FILE.json (parameters from `profile fit`), throughput=analytic
// (catalogue defaults for gpu_type), a measured table, or the trace's durations.
// throughput.links=catalog replaces the cluster's node links by the GPU type's reference server in
// the catalogue, the links the fitted parameters refer to (auto: for 5-column CSV specs, which
// carry no link speeds).
std::unique_ptr<ThroughputModel> make_run_throughput(const RunConfig& cfg, const Params& p,
                                                     const Cluster& cluster) {
  const std::string& table = cfg.input("throughputs");
  const bool fitted = table.size() > 5 && table.compare(table.size() - 5, 5, ".json") == 0;
  const bool analytic = p.get_string("throughput") == "analytic";
  if (!fitted && !analytic) {
    return table.empty() ? make_duration_throughput(cluster.total_gpus())
                         : make_table_throughput(read_throughput_table(table));
  }
  if (analytic && !table.empty() && !fitted)
    throw InputError(
        "throughput=analytic takes no measured table; pass a fitted FILE.json or none");
  const std::string dir = p.get_string("throughput.catalog");
  const Catalog catalog = read_catalog(dir.empty() ? default_catalog_dir() : dir);
  std::map<std::string, ModelParams> params;
  std::string gpu = p.get_string("gpu_type"), describe;
  if (fitted) {
    FittedParams f = read_fitted_params(table);
    gpu = f.gpu_type;
    params = std::move(f.models);
    describe = "fitted:" + table;
  } else {
    if (gpu == "generic")
      throw InputError("throughput=analytic needs --set gpu_type=TYPE (a GPU of the catalogue)");
    describe = "analytic:" + gpu;
  }
  const GpuSpec& spec = catalog.gpu(gpu);
  std::string links = p.get_string("throughput.links");
  if (links == "auto") links = is_json_spec(cfg.input("cluster")) ? "cluster" : "catalog";
  if (links == "cluster") {
    return make_analytic_throughput(catalog, gpu, std::move(params), cluster, describe,
                                    {cluster.total_gpus()});
  }
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

TrainingSetup prepare_training(const RunConfig& cfg, Params& p, nlohmann::json& record) {
  TrainingSetup s;
  const auto& policy_entry = use_entry(training_policies(), cfg.policy, p);
  s.cluster =
      std::make_unique<Cluster>(read_cluster_spec(cfg.input("cluster"), p.get_string("gpu_type")));
  if (s.cluster->total_gpus() == 0) {  // CPU nodes only: every job would wait forever
    throw InputError(cfg.input("cluster"), 0,
                     "the cluster has no GPUs (\"gpus\" is 0 in every node type it uses)");
  }
  TraceReadOptions ro;
  ro.max_gpus = s.cluster->total_gpus();
  s.trace = std::make_unique<Trace>(read_trace(cfg.input("trace"), cfg.input("trace_format"), ro));
  s.throughput = make_run_throughput(cfg, p, *s.cluster);
  const double node_f = p.get_double("locality.cross_node_factor");
  const double switch_f = p.get_double("locality.cross_switch_factor");
  if (!(node_f > 0) || !(switch_f > 0))
    throw InputError("locality.cross_node_factor and locality.cross_switch_factor must be > 0");
  if (node_f != 1.0 || switch_f != 1.0) {
    s.throughput = make_locality_throughput(std::move(s.throughput), *s.cluster, node_f, switch_f);
  }
  for (const auto& j : s.trace->jobs)
    s.throughput->check(j, s.trace->path);
  record["policy"] = cfg.policy;
  if (policy_entry.name != cfg.policy) record["policy_entry"] = policy_entry.name;

  s.policy = policy_entry.factory(PolicyEnv{*s.cluster, p});
  const EngineNeeds needs = s.policy->engine_needs();
  const auto& progress_entry = use_entry(progress_models(), needs.progress, p);
  const bool own_overhead = !progress_entry.factory.uses_overhead_model;
  // What the policy needs becomes the run's default; an explicit setting still wins.
  for (const auto& [key, value] : needs.defaults)
    p.set_default(key, value);

  // A policy that places jobs itself (its own node sets or Muri's yarn rule), or whose progress
  // model charges its artifact's own overheads, gets the plain scheme and model: setting
  // `placement` / `overhead` is an error, not a silent no-op.
  auto refuse = [&](const char* key, const char* why) {
    if (p.has(key)) {
      throw InputError(fmt::format("parameter {} is not honoured by this run: policy {} {}", key,
                                   cfg.policy, why));
    }
    p.set_default(key, "policy");
    record[key] = "policy";
  };
  if (needs.own_placement) refuse("placement", "places jobs itself");
  if (own_overhead) refuse("overhead", "charges its artifact's own overheads");
  const std::string placement_name = needs.own_placement ? "count" : p.get_string("placement");
  const auto& placement_entry = placement_schemes().get(placement_name);
  if (!needs.own_placement) {
    p.declare(placement_entry.params, "placement " + placement_name);
    if (p.declared("placement.seed")) p.set_default("placement.seed", std::to_string(cfg.seed));
    record["placement"] = placement_name;
  }
  s.placement = placement_entry.factory(*s.cluster, p);
  const std::string overhead_name = own_overhead ? "none" : p.get_string("overhead");
  const auto& overhead_entry = overhead_models().get(overhead_name);
  if (!own_overhead) {
    p.declare(overhead_entry.params, "overhead " + overhead_name);
    record["overhead"] = overhead_name;
  }
  s.overhead = overhead_entry.factory(p);

  auto& ec = s.engine;
  ec.slot = seconds_param(p, "engine.slot_s");
  ec.min_interval = seconds_param(p, "engine.min_interval_s");
  ec.event_queue = p.get_string("engine.event_queue");
  ec.whole_seconds = p.get_bool("engine.whole_seconds");
  ec.efficiency = p.get_bool("engine.efficiency");
  ec.allow_unfinished = p.get_bool("engine.allow_unfinished");
  ec.make_progress = [make = progress_entry.factory.make, params = p](ProgressHost& host) {
    return make(host, params);
  };
  record["progress"] = needs.progress;

  record["cluster_gpus"] = s.cluster->total_gpus();
  record["trace_format"] = s.trace->format;
  record["throughputs"] = s.throughput->describe();
  record["jobs"] = s.trace->jobs.size();
  return s;
}

namespace {

class PreparedTraining final : public PreparedRun {
 public:
  explicit PreparedTraining(TrainingSetup s) : s_(std::move(s)) {}
  void run(const RunLimits& limits, const ProgressFn& progress, RunOutput&) override {
    s_.engine.max_events = limits.max_events;
    s_.engine.max_sim_time = limits.max_sim_time;
    s_.engine.stall_events = limits.stall_events;
    TrainingEngine engine(*s_.cluster, *s_.trace, *s_.throughput, *s_.placement, *s_.overhead,
                          *s_.policy, s_.engine);
    if (progress) engine.set_progress(progress);
    result_ = engine.run();
  }
  void collect(RunOutput& out) override {
    collect_training_metrics(*s_.cluster, *s_.trace, result_, *s_.policy, s_.engine.efficiency,
                             out);
  }
  EngineStats stats() const override {
    return {result_.events, result_.scheduling_points, result_.policy_s};
  }

 private:
  TrainingSetup s_;
  RunResult result_;
};

class TrainingFamily final : public Family {
 public:
  std::vector<InputSpec> inputs() const override {
    return {{"cluster", "cluster spec: JSON or the artifacts' 5-column CSV", true, true, ""},
            {"trace", "job trace (CSV)", true, true, ""},
            {"trace_format", "auto|clustersim|elasticflow|tiresias|muri", false, false, "auto"},
            {"throughputs",
             "throughput table (clustersim CSV, a folder of ElasticFlow per-model CSVs) or a "
             "fitted FILE.json from `clustersim profile fit` (default: the trace's durations)",
             false, true, ""}};
  }
  const ParamSpecs& params() const override { return training_params(); }
  std::vector<ComponentList> components() const override {
    return {list_of(training_policies(), "training policies (--policy NAME)"),
            list_of(trace_formats(), "training trace formats (--trace-format NAME)"),
            list_of(placement_schemes(), "placement schemes (--set placement=NAME)"),
            list_of(overhead_models(), "overhead models (--set overhead=NAME)"),
            list_of(progress_models(), "progress models (named by the policy)")};
  }

  std::unique_ptr<PreparedRun> prepare(const RunConfig& cfg, Params& p,
                                       nlohmann::json& record) const override {
    return std::make_unique<PreparedTraining>(prepare_training(cfg, p, record));
  }
};

const bool registered = register_family(
    "training", "DL training jobs on GPU clusters (Tiresias, Muri, ElasticFlow and baselines)",
    [] { return std::make_unique<TrainingFamily>(); });

}  // namespace
}  // namespace clustersim
