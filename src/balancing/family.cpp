// The balancing family in the run pipeline: inputs (a worker spec or parameters, a task trace),
// the engine's parameters, and the assembly of cluster, workload, service distribution,
// contention model, dispatch and migration policies into one run of the BalancingEngine.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/balancing/components.hpp"
#include "clustersim/balancing/engine.hpp"
#include "clustersim/balancing/policy.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/pipeline.hpp"
#include "clustersim/metrics/balancing_metrics.hpp"

namespace clustersim::balancing {
namespace {

const ParamSpecs& engine_params() {
  static const ParamSpecs specs = {
      param::integer("run", 0, "", "replication index for the random streams", 0),
      param::text("workload", "batch",
                  "workload (`clustersim list --family balancing`); trace when --trace is given"),
      param::text("service", "constant",
                  "service distribution; with a trace that carries demands, setting it replaces "
                  "them"),
      param::text("contention", "none", "contention model f(busy slots)"),
      param::choice("contention.scope", "node", {"node", "cluster"},
                    "busy slots counted per node, or over the whole cluster (VMs on one host)"),
      param::text("migration", "none", "migration policy acting on state messages"),
      param::choice("throttle.mode", "rate", {"rate", "onoff"},
                    "a node of throttle p works at rate p, or the first p of every period"),
      param::real("throttle.period_s", 0.1, "s", "on/off throttle period (MP4: 100 ms)", 1e-6,
                  3600),
      param::real("frontend.submit_s", 0, "s",
                  "master FIFO time per submission (aiVLE POST ~0.56 s; 0 = no front end)", 0,
                  3600),
      param::real("frontend.start_s", 0, "s", "master FIFO time per task start (start_job)", 0,
                  3600),
      param::reals("frontend.fetch_s", "", "s",
                   "master FIFO times of the requests a task makes after its start, each queued "
                   "when the previous ends (aiVLE: the two downloads); empty = none",
                   0),
      param::real("frontend.finish_s", 0, "s", "master FIFO time per task finish (submit_job)", 0,
                  3600),
      param::real("worker.overhead_s", 0, "s", "worker-side time per task before its start", 0,
                  3600),
      param::real("metrics.warmup_s", 0, "s",
                  "throughput window start; tasks arriving earlier are left out of the response "
                  "and wait statistics",
                  0, kMaxInputSeconds),
      param::real("metrics.until_s", 0, "s", "throughput window end (0 = last completion)", 0,
                  kMaxInputSeconds),
      param::integer("metrics.exact_quantiles", 1 << 20, "tasks",
                     "exact percentiles up to this many tasks, then a 0.1 % sketch", 0, 1e9),
      param::real("series.period_s", 1, "s", "series.csv sampling period", 1e-3, kMaxInputSeconds),
  };
  return specs;
}

// Declared only when the run has no --cluster.
const ParamSpecs& synthetic_cluster_params() {
  static const ParamSpecs specs = {
      param::integer("cluster.nodes", 1, "nodes", "identical nodes (without --cluster)", 1,
                     1 << 20),
      param::integer("cluster.slots", 1, "slots", "slots per node", 1, 1 << 16),
      param::real("cluster.speed", 1, "", "speed factor of every node", 1e-9, 1e9),
      param::reals("cluster.speeds", "", "",
                   "per-node speed factors n0, n1, ... (overrides cluster.speed; empty = none)",
                   1e-9),
      param::real("cluster.throttle", 1, "", "throttle of every node", 1e-6, 1),
      param::real("link.latency_s", 0, "s", "one-way latency between nodes", 0, 3600),
      param::real("link.latency_sd_s", 0, "s", "latency standard deviation (normal, cut at 0)", 0,
                  3600),
      param::real("link.bandwidth_mbps", 0, "Mbit/s", "bandwidth (0 = unlimited)", 0, 1e9),
      param::real("link.loss", 0, "", "state-message loss probability", 0, 0.999),
  };
  return specs;
}

// Declared only when a migration policy is used.
const ParamSpecs& migration_engine_params() {
  static const ParamSpecs specs = {
      param::real("state.period_s", 2, "s",
                  "every node sends its queue length to every other node this often (0 = only "
                  "on events)",
                  0, kMaxInputSeconds),
      param::integer("state.event_delta", 0, "tasks",
                     "also send when the queue moved this much since the last message (0 = off)", 0,
                     1e9),
      param::integer("state.bytes", 64, "B", "size of a state message", 0, 1e9),
      param::real("transfer.task_s", 0, "s", "sender time per migrated task", 0, 3600),
      param::integer("transfer.task_bytes", 900, "B", "bytes per migrated task (MP4: ~900 B)", 0,
                     1e12),
      param::choice("transfer.select", "head", {"head", "tail"},
                    "migrate the oldest (MP4's Queue.get) or the newest queued tasks"),
      param::flag("transfer.return_results", false,
                  "a task run away from its origin finishes when its result is back there"),
      param::real("bootstrap.fraction", 0, "",
                  "share of its queue each node sends away once the first tasks are in (MP4: "
                  "0.5)",
                  0, 1),
      param::integer("bootstrap.min_tasks", 0, "tasks",
                     "a node starts working once it has held this many tasks (MP4: 8)", 0, 1e9),
  };
  return specs;
}

const bool catalogued = [] {
  add_to_param_catalog("cluster", "from parameters (no --cluster)", "balancing",
                       &synthetic_cluster_params());
  add_to_param_catalog("engine", "migration", "balancing", &migration_engine_params());
  return true;
}();

SimTime seconds_of(const Params& p, const std::string& key) {
  return from_seconds(p.get_double(key));
}

BalancingCluster make_cluster(const RunConfig& cfg, Params& p) {
  if (!cfg.input("cluster").empty()) return read_balancing_cluster(cfg.input("cluster"));
  p.declare(synthetic_cluster_params(), "cluster from parameters");
  const std::int64_t nodes = p.get_int("cluster.nodes"), slots = p.get_int("cluster.slots");
  if (nodes * slots > kMaxTotalSlots)
    throw InputError(fmt::format("cluster.nodes x cluster.slots = {} slots, more than {}",
                                 nodes * slots, kMaxTotalSlots));
  BalancingCluster c =
      uniform_cluster(static_cast<int>(nodes), static_cast<int>(slots),
                      p.get_double("cluster.speed"), p.get_double("cluster.throttle"));
  if (!p.get_string("cluster.speeds").empty()) {
    const auto speeds = p.get_doubles("cluster.speeds");
    if (speeds.size() != c.nodes.size())
      throw InputError(fmt::format("parameter cluster.speeds: {} values for {} nodes",
                                   speeds.size(), c.nodes.size()));
    for (std::size_t i = 0; i < speeds.size(); ++i)
      c.nodes[i].speed = speeds[i];
  }
  c.link = {p.get_double("link.latency_s"), p.get_double("link.latency_sd_s"),
            p.get_double("link.bandwidth_mbps"), p.get_double("link.loss")};
  return c;
}

struct Setup {
  std::unique_ptr<BalancingCluster> cluster;
  std::unique_ptr<TaskTrace> trace;
  std::unique_ptr<ServiceModel> service;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<DispatchPolicy> dispatch;
  std::unique_ptr<MigrationPolicy> migration;
  EngineConfig engine;
  BalancingMetrics::Options metrics;
};

// f(b) for b = 0..the largest busy count the run can reach.
std::vector<double> factor_table(const ContentionModel& m, const BalancingCluster& c,
                                 bool cluster) {
  int max_busy = cluster ? c.total_slots() : 0;
  for (const auto& n : c.nodes)
    max_busy = std::max(max_busy, n.slots);
  std::vector<double> f(static_cast<std::size_t>(max_busy) + 1, 1.0);
  for (int b = 1; b <= max_busy; ++b) {
    f[static_cast<std::size_t>(b)] = m.factor(b);
    if (!(f[static_cast<std::size_t>(b)] > 0) || !std::isfinite(f[static_cast<std::size_t>(b)]))
      throw InputError(fmt::format("contention model gives f({}) = {}, not a positive factor", b,
                                   f[static_cast<std::size_t>(b)]));
  }
  return f;
}

void configure_migration(const RunConfig& cfg, Params& p, Setup& s, nlohmann::json& record) {
  const std::string name = p.get_string("migration");
  record["migration"] = name;
  if (name == "none") return;
  const auto& entry = use_entry(migration_policies(), name, p);
  p.declare(migration_engine_params(), "migration engine");
  s.migration = entry.factory(p);
  auto& e = s.engine;
  e.state_period = seconds_of(p, "state.period_s");
  e.state_event_delta = static_cast<int>(p.get_int("state.event_delta"));
  if (e.state_period == 0 && e.state_event_delta == 0)
    throw InputError(fmt::format(
        "migration {} needs state messages: state.period_s or state.event_delta", name));
  e.state_bytes = p.get_int("state.bytes");
  e.transfer_cost = seconds_of(p, "transfer.task_s");
  e.task_bytes = p.get_int("transfer.task_bytes");
  e.select_tail = p.get_string("transfer.select") == "tail";
  e.return_results = p.get_bool("transfer.return_results");
  e.bootstrap_fraction = p.get_double("bootstrap.fraction");
  e.bootstrap_min_tasks = static_cast<int>(p.get_int("bootstrap.min_tasks"));
  (void)cfg;
}

Setup prepare_balancing(const RunConfig& cfg, Params& p, nlohmann::json& record) {
  Setup s;
  const auto& dispatch_entry = use_entry(dispatch_policies(), cfg.policy, p);
  s.cluster = std::make_unique<BalancingCluster>(make_cluster(cfg, p));
  const std::string& trace_path = cfg.input("trace");
  if (!trace_path.empty()) {
    s.trace = std::make_unique<TaskTrace>(
        read_task_trace(trace_path, cfg.input("trace_format"), *s.cluster));
    p.set_default("workload", "trace");
  }
  const std::string workload = p.get_string("workload");
  if (workload == "trace" && !s.trace) throw InputError("workload=trace needs --trace FILE");
  if (workload != "trace" && s.trace)
    throw InputError(
        fmt::format("--trace is read by workload=trace only, not workload={}", workload));
  const auto& workload_entry = use_entry(workloads(), workload, p);
  if (!s.trace || !s.trace->has_service || p.has("service")) {
    const auto& service_entry = use_entry(service_models(), p.get_string("service"), p);
    s.service = service_entry.factory(p);
    record["service"] = service_entry.name;
  } else {
    record["service"] = "trace";
  }
  const auto& contention_entry = use_entry(contention_models(), p.get_string("contention"), p);
  const auto contention = contention_entry.factory(p);
  auto& e = s.engine;
  e.cluster_scope = p.get_string("contention.scope") == "cluster";
  e.factor = factor_table(*contention, *s.cluster, e.cluster_scope);
  e.seed = cfg.seed;
  e.run = static_cast<std::uint64_t>(p.get_int("run"));
  e.throttle_onoff = p.get_string("throttle.mode") == "onoff";
  e.throttle_period = seconds_of(p, "throttle.period_s");
  e.submit_cost = seconds_of(p, "frontend.submit_s");
  e.start_cost = seconds_of(p, "frontend.start_s");
  if (!p.get_string("frontend.fetch_s").empty()) {
    for (double s : p.get_doubles("frontend.fetch_s"))
      e.fetch_costs.push_back(from_seconds(s));
  }
  e.finish_cost = seconds_of(p, "frontend.finish_s");
  e.worker_overhead = seconds_of(p, "worker.overhead_s");
  configure_migration(cfg, p, s, record);

  s.workload = workload_entry.factory(
      WorkloadEnv{*s.cluster, p, cfg.seed, e.run, s.service.get(), s.trace.get()});
  s.dispatch = dispatch_entry.factory(DispatchEnv{*s.cluster, p});
  s.metrics.warmup = seconds_of(p, "metrics.warmup_s");
  s.metrics.until = seconds_of(p, "metrics.until_s");
  s.metrics.exact_quantiles = static_cast<std::size_t>(p.get_int("metrics.exact_quantiles"));
  s.metrics.tasks_csv =
      std::find(cfg.outputs.begin(), cfg.outputs.end(), "tasks.csv") != cfg.outputs.end();
  s.metrics.series_csv =
      std::find(cfg.outputs.begin(), cfg.outputs.end(), "series.csv") != cfg.outputs.end();
  if (s.metrics.series_csv) e.sample_period = seconds_of(p, "series.period_s");

  record["policy"] = cfg.policy;
  if (dispatch_entry.name != cfg.policy) record["policy_entry"] = dispatch_entry.name;
  record["workload"] = workload_entry.name;
  record["contention"] = contention_entry.name;
  record["nodes"] = s.cluster->nodes.size();
  record["slots"] = s.cluster->total_slots();
  if (s.trace) {
    record["trace_format"] = s.trace->format;
    record["trace_tasks"] = s.trace->tasks.size();
  }
  return s;
}

class PreparedBalancing final : public PreparedRun {
 public:
  explicit PreparedBalancing(Setup s) : s_(std::move(s)) {}
  void run(const RunLimits& limits, const ProgressFn& progress, RunOutput& out) override {
    s_.engine.limits = limits;
    metrics_ = std::make_unique<BalancingMetrics>(*s_.cluster, s_.metrics, out);
    EngineProgress p;
    if (progress) {
      p = [&](std::uint64_t done, std::uint64_t total, SimTime now, std::uint64_t events) {
        progress(done, total, now, events);
      };
    }
    result_ = run_balancing(*s_.cluster, *s_.workload, *s_.dispatch, s_.migration.get(), s_.engine,
                            *metrics_, p);
  }
  void collect(RunOutput& out) override { metrics_->collect(result_, out); }
  EngineStats stats() const override {
    return {result_.events, result_.decisions, result_.policy_s};
  }

 private:
  Setup s_;
  std::unique_ptr<BalancingMetrics> metrics_;
  BalancingResult result_;
};

class BalancingFamily final : public Family {
 public:
  std::vector<InputSpec> inputs() const override {
    return {
        {"cluster",
         "worker spec: JSON nodes/link/links or CSV name,slots[,speed,throttle,weight] "
         "(default: cluster.* parameters)",
         false, true, ""},
        {"trace", "task trace: CSV arrival_s[,service_s,...] or an aiVLE web log", false, true, ""},
        {"trace_format", "auto|tasks|aivle-log", false, false, "auto"}};
  }
  std::vector<std::string> optional_outputs() const override { return {"series.csv", "tasks.csv"}; }
  const ParamSpecs& params() const override { return engine_params(); }
  std::vector<ComponentList> components() const override {
    return {list_of(dispatch_policies(), "dispatch policies (--policy NAME)"),
            list_of(migration_policies(), "migration policies (--set migration=NAME)"),
            list_of(workloads(), "workloads (--set workload=NAME)"),
            list_of(service_models(), "service distributions (--set service=NAME)"),
            list_of(contention_models(), "contention models (--set contention=NAME)"),
            list_of(task_trace_formats(), "task trace formats (--trace-format NAME)")};
  }
  std::unique_ptr<PreparedRun> prepare(const RunConfig& cfg, Params& p,
                                       nlohmann::json& record) const override {
    return std::make_unique<PreparedBalancing>(prepare_balancing(cfg, p, record));
  }
};

const bool registered = register_family(
    "balancing",
    "tasks over worker nodes: dispatch and migration policies (aiVLE, MP4, EvalPro, classics)",
    [] { return std::make_unique<BalancingFamily>(); });

}  // namespace
}  // namespace clustersim::balancing
