// The serving family in the run pipeline: inputs (the model zoo, an optional Azure Functions day),
// the engine's and the controller's parameters, and the assembly of zoo, workload, policy,
// metrics and engine. `clustersim run --family serving --zoo ZOO.csv --policy clockwork ...`
#include <cmath>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/serving_metrics.hpp"
#include "clustersim/serving/engine.hpp"
#include "clustersim/serving/family.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "clustersim/serving/policy.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {

Registry<ServingPolicyFactory>& serving_policies() {
  static Registry<ServingPolicyFactory> registry("policy", "serving");
  return registry;
}

const ParamSpecs& serving_params() {
  static const ParamSpecs specs = {
      param::text("workload", "azure_scalability_exp",
                  "workload generator (`clustersim list --family serving`)"),
      param::integer("run", 0, "", "replication index for the random streams", 0),
      param::integer("serving.gpus", 10, "GPUs", "workers (one GPU each)", 1, 65535),
      param::integer("serving.pages_per_gpu", 1376, "pages",
                     "weights cache per GPU (Clockwork: 21.5 GiB of a 32 GB V100)", 1, 1e9),
      param::real("serving.page_mib", 16, "MiB", "weights cache page size", 0.001, 1e6),
      param::real("serving.slo_ms", 100, "ms", "latency SLO of every request", 0.001, 1e9),
      param::real("serving.slo_factor", 0, "",
                  "if > 0: SLO = this x the model's batch-1 time (Clockwork's slo_factor)", 0, 1e9),
      param::real("serving.network_ms", 0.027, "ms",
                  "controller <-> worker delay, each way (half the 54 us RTT of Clockwork's "
                  "docs/firstrun.md; the scheduler itself assumes 1 ms: clockwork.future_ms)",
                  0, 1e6),
      param::real("serving.exec_noise_sigma", 0, "",
                  "lognormal sigma of execution-time noise (mean 1; 0 = the profile exactly)", 0,
                  10),
      param::real("serving.load_noise_sigma", 0, "",
                  "lognormal sigma of LOAD-time noise (mean 1; 0 = the profile exactly)", 0, 10),
      param::real("serving.drain_s", 60, "s",
                  "simulate at most this long after the workload ends; requests still waiting "
                  "then are unanswered",
                  0, kMaxInputSeconds),
      param::integer("serving.max_live_requests", 10000000, "requests",
                     "stop with an error when more requests wait at once", 1, 1e12),
      param::real("serving.series_s", 1, "s", "row width of series.csv", 0.001, 1e9),
      param::real("serving.bucket_s", 60, "s",
                  "bucket of minutes.csv and of the peak rates (Fig. 11: 1 minute)", 0.001, 1e9),
      param::integer("serving.peak_exclude_last", 1, "buckets",
                     "leave the workload's last buckets out of the peaks (Fig. 11's reference "
                     "drops its final minute)",
                     0, 1e6),
      param::integer("controller.threads", 1, "threads", "controller CPU threads", 1, 1e6),
      param::real("controller.admit_us", 8.0, "us",
                  "controller CPU per admitted request (calibrated: docs/serving.md)", 0, 1e9),
      param::real("controller.admit_per_gpu_us", 0.083, "us",
                  "controller CPU per admitted request and GPU (calibrated: docs/serving.md)", 0,
                  1e9),
      param::real("controller.schedule_us", 0, "us",
                  "controller CPU per scheduling attempt on one GPU", 0, 1e9),
      param::real("controller.action_us", 0, "us", "controller CPU per action sent", 0, 1e9),
      param::real("controller.result_us", 0, "us", "controller CPU per result received", 0, 1e9),
      param::real("controller.max_queue_ms", 10, "ms",
                  "a request finding more controller work than this queued ahead of it is shed "
                  "(answered with a timeout)",
                  0, 1e9),
  };
  return specs;
}

namespace {

SimTime ms_to_time(double ms) {
  return static_cast<SimTime>(std::llround(ms * 1000.0));
}

class PreparedServing final : public PreparedRun {
 public:
  PreparedServing(ModelZoo zoo, std::unique_ptr<Workload> workload,
                  std::unique_ptr<ServingPolicy> policy, std::vector<ServedModel> models,
                  ServingEngineConfig engine, ServingMetricsConfig metrics, bool requests_csv)
      : zoo_(std::move(zoo)),
        workload_(std::move(workload)),
        policy_(std::move(policy)),
        models_(std::move(models)),
        engine_config_(engine),
        metrics_(metrics),
        requests_csv_(requests_csv) {}

  void run(const RunLimits& limits, const ProgressFn& progress, RunOutput& out) override {
    if (requests_csv_)
      metrics_.stream_requests(&out.stream("requests.csv", ServingMetrics::requests_header()));
    engine_config_.limits = limits;
    ServingEngine engine(models_, *workload_, *policy_, metrics_, engine_config_);
    if (progress) engine.set_progress(progress);
    stats_ = engine.run();
  }

  void collect(RunOutput& out) override {
    metrics_.collect(stats_.workload_end, out);
    const double span = std::max(to_seconds(stats_.end), 1e-9);
    out.add_metric("controller_utilization",
                   stats_.controller_busy / (engine_config_.costs.threads * span));
    out.add_metric("shed", stats_.shed);
    out.add_metric("peak_live_requests", stats_.peak_live_requests);
    out.add_metric("peak_pending_events", stats_.peak_pending_events);
    out.add_metric("simulated_s", to_seconds(stats_.end));
    nlohmann::json own = nlohmann::json::object();
    policy_->report(own);
    for (auto& [k, v] : own.items())
      out.add_metric(k, v);
  }

  EngineStats stats() const override { return stats_.engine; }

 private:
  ModelZoo zoo_;
  std::unique_ptr<Workload> workload_;
  std::unique_ptr<ServingPolicy> policy_;
  std::vector<ServedModel> models_;
  ServingEngineConfig engine_config_;
  ServingMetrics metrics_;
  bool requests_csv_;
  ServingRunStats stats_;
};

class ServingFamily final : public Family {
 public:
  std::vector<InputSpec> inputs() const override {
    return {
        {"zoo", "model zoo CSV (Clockwork's appendix table: model_zoo_v100.csv)", true, true, ""},
        {"trace",
         "an Azure Functions 2019 invocation day, MAF format (default: the calibrated "
         "generator)",
         false, true, ""}};
  }
  std::vector<std::string> optional_outputs() const override { return {"requests.csv"}; }
  const ParamSpecs& params() const override { return serving_params(); }
  std::vector<ComponentList> components() const override {
    return {list_of(serving_policies(), "serving policies (--policy NAME)"),
            list_of(serving_workloads(), "serving workloads (--set workload=NAME)")};
  }

  std::unique_ptr<PreparedRun> prepare(const RunConfig& cfg, Params& p,
                                       nlohmann::json& record) const override {
    const auto& policy_entry = use_entry(serving_policies(), cfg.policy, p);
    const std::string workload_name = p.get_string("workload");
    const auto& workload_entry = use_entry(serving_workloads(), workload_name, p);
    const double page_mib = p.get_double("serving.page_mib");
    ModelZoo zoo = read_model_zoo(cfg.input("zoo"),
                                  static_cast<std::int64_t>(std::llround(page_mib * 1048576.0)));
    const int gpus = static_cast<int>(p.get_int("serving.gpus"));
    const auto run = static_cast<std::uint64_t>(p.get_int("run"));
    auto workload =
        workload_entry.factory(WorkloadEnv{zoo, p, cfg.input("trace"), gpus, cfg.seed, run});

    const double slo_ms = p.get_double("serving.slo_ms");
    const double slo_factor = p.get_double("serving.slo_factor");
    std::vector<ServedModel> models;
    models.reserve(workload->models().size());
    const int pages = static_cast<int>(p.get_int("serving.pages_per_gpu"));
    for (int z : workload->models()) {
      ServedModel m;
      m.zoo = z;
      m.profile = &zoo.models[static_cast<std::size_t>(z)];
      m.pages = m.profile->pages;
      m.slo = slo_factor > 0 ? static_cast<SimTime>(std::llround(
                                   slo_factor * static_cast<double>(m.profile->exec_us[0])))
                             : ms_to_time(slo_ms);
      if (m.pages > pages)
        throw InputError(fmt::format("{}: model {} needs {} pages, more than a GPU's {}", zoo.path,
                                     m.profile->name, m.pages, pages));
      models.push_back(m);
    }

    ServingEngineConfig ec;
    ec.gpus = gpus;
    ec.pages_per_gpu = pages;
    ec.network = ms_to_time(p.get_double("serving.network_ms"));
    ec.costs.threads = static_cast<int>(p.get_int("controller.threads"));
    ec.costs.admit_us = p.get_double("controller.admit_us");
    ec.costs.admit_per_gpu_us = p.get_double("controller.admit_per_gpu_us");
    ec.costs.schedule_us = p.get_double("controller.schedule_us");
    ec.costs.action_us = p.get_double("controller.action_us");
    ec.costs.result_us = p.get_double("controller.result_us");
    ec.max_admission_wait = ms_to_time(p.get_double("controller.max_queue_ms"));
    ec.exec_noise_sigma = p.get_double("serving.exec_noise_sigma");
    ec.load_noise_sigma = p.get_double("serving.load_noise_sigma");
    ec.drain = from_seconds(p.get_double("serving.drain_s"));
    ec.max_live_requests = static_cast<std::size_t>(p.get_int("serving.max_live_requests"));
    ec.seed = cfg.seed;
    ec.run = run;
    ServingMetricsConfig mc;
    mc.series_width = from_seconds(p.get_double("serving.series_s"));
    mc.bucket_width = from_seconds(p.get_double("serving.bucket_s"));
    mc.peak_exclude_last = static_cast<int>(p.get_int("serving.peak_exclude_last"));
    if (mc.series_width <= 0 || mc.bucket_width <= 0)
      throw InputError("serving.series_s and serving.bucket_s must be at least 1 us");

    auto policy = policy_entry.factory(ServingPolicyEnv{p});
    record["policy"] = cfg.policy;
    if (policy_entry.name != cfg.policy) record["policy_entry"] = policy_entry.name;
    record["workload"] = workload_name;
    record["zoo_models"] = zoo.models.size();
    workload->describe(record);
    const bool csv =
        std::find(cfg.outputs.begin(), cfg.outputs.end(), "requests.csv") != cfg.outputs.end();
    return std::make_unique<PreparedServing>(std::move(zoo), std::move(workload), std::move(policy),
                                             std::move(models), ec, mc, csv);
  }
};

const bool registered = register_family(
    "serving",
    "DNN inference serving with latency SLOs on GPUs with paged weights (Clockwork and "
    "baselines)",
    [] { return std::make_unique<ServingFamily>(); });

}  // namespace
}  // namespace clustersim::serving
