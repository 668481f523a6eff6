// Two synthetic workloads on copies of zoo models (names in synthetic.models, each repeated
// synthetic.copies times, model-major):
//   poisson      open loop: one Poisson source of poisson.rate_rps requests/s spread evenly
//                over the served models, for synthetic.duration_s (Clockwork's
//                poisson-open-loop, slo-exp-1);
//   closed_loop  closed.clients clients per served model, each sending its next request the
//                moment the previous one is answered (think time 0), from time 0 until
//                synthetic.duration_s (Clockwork's comparison_experiment2, Fig. 5: 15 resnet50
//                copies, 16 clients each).
#include <queue>

#include <fmt/format.h>

#include "arrival_stream.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/serving/workload.hpp"

namespace clustersim::serving {
namespace {

ParamSpecs synthetic_params() {
  return {
      param::text("synthetic.models", "resnet50_v2", "zoo models served, comma-separated"),
      param::integer("synthetic.copies", 15, "copies", "copies of each model", 1, 1e6),
      param::real("synthetic.duration_s", 60, "s", "length of the workload", 0.001,
                  kMaxInputSeconds),
  };
}

std::vector<int> synthetic_models(const WorkloadEnv& env) {
  const std::vector<int> zoo_ids =
      zoo_models_named(env.zoo, env.params.get_string("synthetic.models"), "synthetic.models");
  if (zoo_ids.empty()) throw InputError("synthetic.models: no model given");
  std::vector<int> models;
  const auto copies = env.params.get_int("synthetic.copies");
  for (int z : zoo_ids)
    for (std::int64_t c = 0; c < copies; ++c)
      models.push_back(z);
  return models;
}

class PoissonWorkload final : public Workload {
 public:
  explicit PoissonWorkload(const WorkloadEnv& env) {
    models_ = synthetic_models(env);
    end_ = from_seconds(env.params.get_double("synthetic.duration_s"));
    const double rps = env.params.get_double("poisson.rate_rps");
    const std::size_t n = models_.size();
    stream_ = std::make_unique<PiecewisePoisson>(RngStream(env.seed, env.run, "workload.arrivals"),
                                                 end_, [rps, n](SimTime) {
                                                   PiecewisePoisson::Segment s;
                                                   s.rps = rps;
                                                   s.weights.assign(n, 1.0);
                                                   return s;
                                                 });
  }
  SimTime peek() const override { return stream_->peek(); }
  Arrival pop() override { return stream_->pop(); }
  SimTime end() const override { return end_; }
  void describe(nlohmann::json& r) const override { r["served_models"] = models_.size(); }

 private:
  SimTime end_;
  std::unique_ptr<PiecewisePoisson> stream_;
};

class ClosedLoopWorkload final : public Workload {
 public:
  explicit ClosedLoopWorkload(const WorkloadEnv& env) {
    models_ = synthetic_models(env);
    end_ = from_seconds(env.params.get_double("synthetic.duration_s"));
    const auto k = env.params.get_int("closed.clients");
    for (std::uint32_t m = 0; m < models_.size(); ++m)
      for (std::int64_t c = 0; c < k; ++c) {
        client_model_.push_back(m);
        pending_.push({0, m, static_cast<std::uint32_t>(client_model_.size() - 1)});
      }
  }
  SimTime peek() const override { return pending_.empty() ? kForever : pending_.front().time; }
  Arrival pop() override {
    Arrival a = pending_.front();
    pending_.pop();
    return a;
  }
  void on_response(std::uint32_t client, SimTime t) override {
    if (t < end_) pending_.push({t, client_model_.at(client), client});
  }
  SimTime end() const override { return end_; }
  void describe(nlohmann::json& r) const override {
    r["served_models"] = models_.size();
    r["clients"] = client_model_.size();
  }

 private:
  SimTime end_;
  std::vector<std::uint32_t> client_model_;
  std::queue<Arrival> pending_;  // responses come in time order, so a FIFO stays sorted
};

const bool registered_poisson = register_workload(
    "poisson", "open-loop Poisson arrivals spread evenly over copies of zoo models",
    [](const WorkloadEnv& env) { return std::make_unique<PoissonWorkload>(env); },
    [] {
      auto p = synthetic_params();
      p.push_back(param::real("poisson.rate_rps", 1000, "req/s", "total arrival rate", 0, 1e9));
      return p;
    }());

const bool registered_closed = register_workload(
    "closed_loop", "closed-loop clients per model copy, think time 0",
    [](const WorkloadEnv& env) { return std::make_unique<ClosedLoopWorkload>(env); },
    [] {
      auto p = synthetic_params();
      p.push_back(
          param::integer("closed.clients", 16, "clients", "clients per served model", 1, 1e6));
      return p;
    }());

}  // namespace
}  // namespace clustersim::serving
