// Fig. 11's linear regime (hidden: about four minutes). Without controller cost the peak goodput
// of azure_scalability_exp is set by the GPUs: it must grow linearly with the workers and equal
// the closed-form capacity of the request mix at full batches: 1 / sum over zoo models of
// (share of the ramp's requests) x (batch-8 time / 8, or batch-4 time / 4 where batch 8 exceeds
// max_exec 25 ms), per GPU.
#include <cmath>
#include <map>

#include <catch2/catch.hpp>

#include "clustersim/core/pipeline.hpp"
#include "clustersim/serving/maf_generator.hpp"
#include "clustersim/serving/maf_trace.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "clustersim/serving/workload.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

using namespace clustersim::serving;

// Requests per second one GPU serves at full batches for the generated day's minutes 6..8 (the
// ramp's saturated minutes), with Clockwork's function -> model mapping (66 copies).
double closed_form_capacity(const ModelZoo& zoo) {
  MafGeneratorSettings s;  // the run's: seed 1, run 0, defaults
  const MafTrace t = generate_maf_day(s, 10);
  const auto order = maf_order_by_total(t);
  const auto names = zoo_name_order(zoo);
  const std::size_t copies = 66, F = order.size(), M = names.size() * copies;
  std::map<int, double> share;
  double all = 0;
  for (std::size_t i = 0; i < F; ++i) {
    double c = 0;
    for (int m = 6; m <= 8; ++m)
      c += t.functions[order[i]].counts[static_cast<std::size_t>(m)];
    share[names[(M * i) / F / copies]] += c;
    all += c;
  }
  double us_per_request = 0;
  for (const auto& [z, n] : share) {
    const auto& e = zoo.models[static_cast<std::size_t>(z)].exec_us;
    const double per = e[3] <= 25000 ? e[3] / 8.0 : e[2] / 4.0;
    us_per_request += n / all * per;
  }
  return 1e6 / us_per_request;
}

TEST_CASE("Fig. 11 without controller cost: peak goodput linear in the workers",
          "[.slow][serving]") {
  const std::string zoo_path = anchor("clockwork/model_zoo_v100.csv");
  const double per_gpu = closed_form_capacity(read_model_zoo(zoo_path));
  INFO("closed-form capacity " << per_gpu << " req/s per GPU");
  for (int n : {10, 20, 30, 40, 50}) {
    RunConfig c;
    c.family = "serving";
    c.policy = "clockwork";
    c.inputs["zoo"] = zoo_path;
    c.params.set("serving.gpus", std::to_string(n));
    for (const char* k : {"controller.admit_us", "controller.admit_per_gpu_us"})
      c.params.set(k, "0");
    const double peak = execute_run(c).summary["peak_goodput_rps"].get<double>();
    INFO("N = " << n << ": " << peak << " req/s");
    CHECK(peak / n == Approx(per_gpu).epsilon(0.05));
  }
}

}  // namespace
}  // namespace clustersim::test
