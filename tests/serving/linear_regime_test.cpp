// Fig. 11's linear regime: N = 10 in the suite (~6 s), N = 10..50 hidden (about four minutes;
// `clustersim_tests "[serving][linear]"` runs both). Without controller cost the peak goodput
// of azure_scalability_exp is set by the GPUs: it must grow linearly with the workers and equal
// the closed-form capacity of the request mix at full batches: 1 / sum over zoo models of
// (share of the ramp's requests) x (batch-8 time / 8, or batch-4 time / 4 where batch 8 exceeds
// max_exec 25 ms), per GPU. (The third-party run of the artifact has ~970 r/s per GPU, not this
// mix's ~1,800: docs/serving.md, RESULTS, says why.)
#include <cmath>
#include <map>
#include <string>
#include <vector>

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

// Peak goodput of azure_scalability_exp on `n` GPUs with every controller cost zero.
double zero_cost_peak(const std::string& zoo_path, int n) {
  RunConfig c;
  c.family = "serving";
  c.policy = "clockwork";
  c.inputs["zoo"] = zoo_path;
  c.params.set("serving.gpus", std::to_string(n));
  for (const char* k : {"controller.admit_us", "controller.admit_per_gpu_us",
                        "controller.schedule_us", "controller.action_us", "controller.result_us"})
    c.params.set(k, "0");
  return execute_run(c).summary["peak_goodput_rps"].get<double>();
}

void check_linear(const std::vector<int>& workers) {
  const std::string zoo_path = anchor("clockwork/model_zoo_v100.csv");
  const double per_gpu = closed_form_capacity(read_model_zoo(zoo_path));
  INFO("closed-form capacity " << per_gpu << " req/s per GPU");
  for (int n : workers) {
    const double peak = zero_cost_peak(zoo_path, n);
    INFO("N = " << n << ": " << peak << " req/s");
    // 6 %: per GPU the runs give +1 % of the closed form at N = 10 and -5.0 % at N = 50, where
    // each model's copies spread over more GPUs and batches are smaller (docs/serving.md).
    CHECK(peak / n == Approx(per_gpu).epsilon(0.06));
  }
}

TEST_CASE("Fig. 11 without controller cost: N = 10 serves the GPUs' full-batch capacity",
          "[serving][linear]") {
  check_linear({10});
}

TEST_CASE("Fig. 11 without controller cost: peak goodput linear in the workers",
          "[.slow][serving][linear]") {
  check_linear({10, 20, 30, 40, 50});
}

}  // namespace
}  // namespace clustersim::test
