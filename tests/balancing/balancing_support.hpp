// Helpers of the balancing tests: one run of the balancing family in memory, and the closed
// forms the engine is checked against (research/loadbalancing.md 4.2), written out here from the
// formulas, independently of the engine.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "clustersim/core/pipeline.hpp"
#include "clustersim/metrics/streaming_stats.hpp"

namespace clustersim::test {

inline RunOutput run_balancing(const std::string& policy,
                               const std::map<std::string, std::string>& settings,
                               const std::map<std::string, std::string>& inputs = {},
                               const std::vector<std::string>& outputs = {}) {
  RunConfig cfg;
  cfg.family = "balancing";
  cfg.policy = policy;
  cfg.inputs = inputs;
  cfg.outputs = outputs;
  for (const auto& [k, v] : settings)
    cfg.params.set(k, v);
  return execute_run(cfg);
}

inline double metric(const RunOutput& out, const std::string& key) {
  return out.summary.at(key).get<double>();
}

/// `reps` replications (run = 0..reps-1) of each of `keys`, as Student-t intervals at `level`.
inline std::vector<MeanInterval> replicate(const std::string& policy,
                                           std::map<std::string, std::string> settings,
                                           const std::vector<std::string>& keys, int reps,
                                           double level = 0.95) {
  std::vector<std::vector<double>> v(keys.size());
  for (int r = 0; r < reps; ++r) {
    settings["run"] = std::to_string(r);
    const RunOutput out = run_balancing(policy, settings);
    for (std::size_t k = 0; k < keys.size(); ++k)
      v[k].push_back(metric(out, keys[k]));
  }
  std::vector<MeanInterval> ci;
  for (const auto& x : v)
    ci.push_back(mean_interval(x, level));
  return ci;
}

inline MeanInterval replicate(const std::string& policy,
                              const std::map<std::string, std::string>& settings,
                              const std::string& key, int reps, double level = 0.95) {
  return replicate(policy, settings, std::vector<std::string>{key}, reps, level).front();
}

// ---- closed forms (service rate 1 per server, per-server arrival rate lambda) ----------------

/// M/M/1 mean sojourn time.
inline double mm1_sojourn(double lambda) {
  return 1 / (1 - lambda);
}

/// E_k/M/1 (round robin over k servers from Poisson input, each sees Erlang-k gaps of rate
/// k·lambda): T = 1 / (1 - s), s the root in (0, 1) of s = (k lambda / (k lambda + 1 - s))^k.
inline double ekm1_sojourn(int k, double lambda) {
  double s = 0.5;
  for (int i = 0; i < 10000; ++i)
    s = std::pow(k * lambda / (k * lambda + 1 - s), k);
  return 1 / (1 - s);
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load a = c·rho.
inline double erlang_c(int c, double a) {
  double term = 1, sum = 0;  // a^n / n!
  for (int n = 0; n < c; ++n) {
    sum += term;
    term *= a / (n + 1);
  }
  const double last = term * c / (c - a);
  return last / (sum + last);
}

/// M/M/c mean sojourn time (W_q + 1).
inline double mmc_sojourn(int c, double rho) {
  const double a = c * rho;
  return erlang_c(c, a) / (c - a) + 1;
}

/// Supermarket model fixed point (Mitzenmacher; Vvedenskaya et al.): sum over i >= 1 of
/// lambda^((d^i - d) / (d - 1)).
inline double supermarket_sojourn(int d, double lambda) {
  double t = 0;
  for (int i = 1; i < 64; ++i) {
    const double e = (std::pow(d, i) - d) / (d - 1);
    const double term = std::pow(lambda, e);
    t += term;
    if (term < 1e-15) break;
  }
  return t;
}

}  // namespace clustersim::test
