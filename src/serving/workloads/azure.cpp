// azure and azure_scalability_exp: Clockwork's replays of an Azure Functions 2019 day
// (src/clockwork/workload/azure.h, scalability.h; research/clockwork.md 2.2):
//   * functions sorted by daily total, largest first (maf_order_by_total);
//   * served models = every zoo model in directory-name order, azure.copies copies each
//     (memory_load_factor 1/2/3/4 = 3/13/29/66 copies); the code's "pseudo-random" insertion is
//     a no-op, so copies stay grouped by model;
//   * function i of F drives served model floor(M i / F) (contiguous blocks);
//   * each function is a Poisson source of count[minute] x scale / 60 requests/s, minutes without
//     invocations send nothing, the day wraps after 1440 minutes, every source starts at minute
//     azure.start_minute;
//   * scale = load factor x azure.scale_per_worker (0.125) x workers.
// azure keeps the load factor fixed for azure.duration_s; azure_scalability_exp multiplies the
// scale by azure.lf_inc every azure.lf_period_s from azure.lf_min and stops at the first step
// whose scale exceeds azure.lf_max x 0.125 x workers (Fig. 11: 0.1, x1.5 every 60 s, stop above
// 4: ten minutes, the last at 3.84).
// Without --trace the day comes from the calibrated generator (maf_generator.hpp, maf.* keys).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "arrival_stream.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/serving/maf_generator.hpp"
#include "clustersim/serving/maf_trace.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {
namespace {

constexpr SimTime kMinute = 60 * kSecond;

ParamSpecs azure_common_params() {
  ParamSpecs p = {
      param::integer("azure.copies", 66, "copies",
                     "copies of every zoo model (memory_load_factor 1/2/3/4 = 3/13/29/66)", 1, 1e6),
      param::real("azure.scale_per_worker", 0.125, "",
                  "trace scale per worker at load factor 1 (Clockwork's calibration)", 0, 1e6),
      param::integer("azure.workers", 0, "workers",
                     "workers in the scale formula (0 = serving.gpus)", 0, 1e6),
      param::integer("azure.start_minute", 0, "min", "trace minute every source starts at", 0,
                     kMafMinutes - 1),
      param::choice("azure.mapping", "blocks", {"blocks", "stripe"},
                    "function i -> model floor(M i / F) (blocks, Clockwork's) or i mod M"),
      param::text("azure.exclude_models", "",
                  "zoo models left out, comma-separated (the paper's runs used 61 of the "
                  "table's 64 models; which 3 is not known)"),
  };
  for (const auto& s : maf_generator_params())
    p.push_back(s);
  return p;
}

class AzureReplay final : public Workload {
 public:
  // `scale_at(t)` is the scale factor in force at t (changes only at multiples of `period`).
  AzureReplay(const WorkloadEnv& env, SimTime end, SimTime period,
              std::function<double(SimTime)> scale_at)
      : end_(end), period_(period), scale_at_(std::move(scale_at)) {
    const Params& p = env.params;
    const int copies = static_cast<int>(p.get_int("azure.copies"));
    const std::vector<int> excluded = zoo_models_named(env.zoo, p.get_string("azure.exclude_models"),
                                                       "azure.exclude_models");
    for (int z : zoo_name_order(env.zoo)) {
      if (std::find(excluded.begin(), excluded.end(), z) != excluded.end()) continue;
      for (int c = 0; c < copies; ++c)
        models_.push_back(z);
    }
    if (models_.empty()) throw InputError("azure.exclude_models leaves no model to serve");
    start_minute_ = static_cast<int>(p.get_int("azure.start_minute"));
    const SimTime minutes = end == kForever ? kMafMinutes : (end + kMinute - 1) / kMinute;
    const int keep = static_cast<int>(std::min<SimTime>(kMafMinutes, start_minute_ + minutes));
    if (env.trace.empty()) {
      trace_ = generate_maf_day(maf_generator_settings(p, env.seed, env.run), keep);
    } else {
      trace_ = read_maf_trace(env.trace, keep);
    }
    // Wrapping past midnight needs the whole day.
    if (start_minute_ + minutes > kMafMinutes && trace_.minutes_kept < kMafMinutes) {
      trace_ = env.trace.empty() ? generate_maf_day(maf_generator_settings(p, env.seed, env.run))
                                 : read_maf_trace(env.trace);
    }
    const auto order = maf_order_by_total(trace_);
    const std::size_t F = order.size(), M = models_.size();
    const bool stripe = p.get_string("azure.mapping") == "stripe";
    target_.resize(F);
    for (std::size_t i = 0; i < F; ++i)
      target_[order[i]] = static_cast<std::uint32_t>(stripe ? i % M : (M * i) / F);
    stream_ =
        std::make_unique<PiecewisePoisson>(RngStream(env.seed, env.run, "workload.arrivals"), end_,
                                           [this](SimTime start) { return segment(start); });
  }

  SimTime peek() const override { return stream_->peek(); }
  Arrival pop() override { return stream_->pop(); }
  SimTime end() const override { return end_; }
  void describe(nlohmann::json& r) const override {
    r["trace_source"] = trace_.source;
    r["trace_functions"] = trace_.functions.size();
    r["served_models"] = models_.size();
    r["workload_end_s"] = end_ == kForever ? -1.0 : to_seconds(end_);
  }

 private:
  SimTime end_, period_;
  std::function<double(SimTime)> scale_at_;
  int start_minute_ = 0;
  MafTrace trace_;
  std::vector<std::uint32_t> target_;  // function (file order) -> served model
  std::unique_ptr<PiecewisePoisson> stream_;

  PiecewisePoisson::Segment segment(SimTime start) {
    const SimTime minute = start / kMinute;
    PiecewisePoisson::Segment s;
    s.end = (minute + 1) * kMinute;
    if (period_ > 0) s.end = std::min(s.end, (start / period_ + 1) * period_);
    const int k = static_cast<int>((start_minute_ + minute) % kMafMinutes);
    s.weights.assign(models_.size(), 0.0);
    double total = 0;
    for (std::size_t f = 0; f < trace_.functions.size(); ++f) {
      const double c = trace_.functions[f].counts[k];
      s.weights[target_[f]] += c;
      total += c;
    }
    s.rps = total * scale_at_(start) / 60.0;
    return s;
  }
};

int workers_of(const WorkloadEnv& env) {
  const auto w = env.params.get_int("azure.workers");
  return w > 0 ? static_cast<int>(w) : env.gpus;
}

const bool registered_azure = register_workload(
    "azure",
    "Clockwork's azure: an Azure Functions day (--trace, or generated) at a fixed load factor",
    [](const WorkloadEnv& env) -> std::unique_ptr<Workload> {
      const double scale = env.params.get_double("azure.load_factor") *
                           env.params.get_double("azure.scale_per_worker") * workers_of(env);
      const SimTime end = from_seconds(env.params.get_double("azure.duration_s"));
      return std::make_unique<AzureReplay>(env, end, 0, [scale](SimTime) { return scale; });
    },
    [] {
      ParamSpecs p = azure_common_params();
      p.push_back(param::real("azure.load_factor", 1.0, "", "load factor", 0, 1e6));
      p.push_back(param::real("azure.duration_s", 28800, "s", "replay length (Fig. 9: 8 hours)", 1,
                              kMaxInputSeconds));
      return p;
    }());

const bool registered_scalability = register_workload(
    "azure_scalability_exp",
    "Clockwork's azure_scalability_exp (Fig. 11): the day's first minutes at a load factor "
    "multiplied every period until it exceeds the maximum",
    [](const WorkloadEnv& env) -> std::unique_ptr<Workload> {
      const Params& p = env.params;
      const double base = p.get_double("azure.scale_per_worker") * workers_of(env);
      const double min = p.get_double("azure.lf_min") * base;
      const double max = p.get_double("azure.lf_max") * base;
      const double inc = p.get_double("azure.lf_inc");
      const SimTime period = from_seconds(p.get_double("azure.lf_period_s"));
      // Scale in force during each period, as AdjustScaleFactor: multiply, stop once above max.
      std::vector<double> scales = {min};
      double cur = min;
      while (true) {
        cur *= inc;
        if (cur > max || scales.size() > 100000) break;
        scales.push_back(cur);
      }
      if (cur <= max) throw InputError("azure.lf_inc: the load factor never exceeds azure.lf_max");
      const SimTime end = period * static_cast<SimTime>(scales.size());
      return std::make_unique<AzureReplay>(env, end, period, [scales, period](SimTime t) {
        return scales[std::min<std::size_t>(scales.size() - 1,
                                            static_cast<std::size_t>(t / period))];
      });
    },
    [] {
      ParamSpecs p = azure_common_params();
      p.push_back(param::real("azure.lf_min", 0.1, "", "first load factor", 0, 1e6));
      p.push_back(
          param::real("azure.lf_max", 4, "", "stop once the load factor exceeds this", 0, 1e6));
      p.push_back(
          param::real("azure.lf_inc", 1.5, "", "load factor multiplier per period", 1.0001, 1e6));
      p.push_back(param::real("azure.lf_period_s", 60, "s", "seconds between increments", 0.001,
                              kMaxInputSeconds));
      return p;
    }());

}  // namespace
}  // namespace clustersim::serving
