// Contention models f(b) (research/loadbalancing.md 3.3): none, linear (f = 1 + σ(b−1)), the
// universal scalability law (f = 1 + σ(b−1) + κ·b(b−1), so that N busy slots give a throughput
// N / f(N) times one slot's) and a measured table (aiVLE's s(c)/s(1)), linear between points.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "clustersim/balancing/components.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {

Registry<ContentionFactory>& contention_models() {
  static Registry<ContentionFactory> r("contention model", "balancing");
  return r;
}

namespace {

class NoContention final : public ContentionModel {
 public:
  double factor(int) const override { return 1.0; }
};

class Usl final : public ContentionModel {
 public:
  Usl(double sigma, double kappa) : sigma_(sigma), kappa_(kappa) {}
  double factor(int b) const override {
    return 1.0 + sigma_ * (b - 1) + kappa_ * static_cast<double>(b) * (b - 1);
  }

 private:
  double sigma_, kappa_;
};

// Points (b_i, f_i) with b_1 = 1 < b_2 < ...; linear in between, constant beyond the last.
class Table final : public ContentionModel {
 public:
  Table(std::vector<double> busy, std::vector<double> f)
      : busy_(std::move(busy)), f_(std::move(f)) {
    if (busy_.empty() || busy_.size() != f_.size())
      throw InputError(fmt::format(
          "contention.busy and contention.factor need the same number of values ({} vs {})",
          busy_.size(), f_.size()));
    for (std::size_t i = 0; i < busy_.size(); ++i) {
      if (busy_[i] < 1 || busy_[i] != std::floor(busy_[i]) || (i > 0 && busy_[i] <= busy_[i - 1]))
        throw InputError("contention.busy must be increasing whole numbers >= 1");
      if (!(f_[i] > 0)) throw InputError("contention.factor values must be positive");
    }
  }
  double factor(int b) const override {
    if (b <= busy_.front()) return f_.front();
    for (std::size_t i = 1; i < busy_.size(); ++i) {
      if (b <= busy_[i]) {
        const double w = (b - busy_[i - 1]) / (busy_[i] - busy_[i - 1]);
        return f_[i - 1] + w * (f_[i] - f_[i - 1]);
      }
    }
    return f_.back();
  }

 private:
  std::vector<double> busy_, f_;
};

const bool registered = [] {
  auto& r = contention_models();
  r.add("none", "every running task at full rate",
        [](const Params&) { return std::make_unique<NoContention>(); });
  r.add(
      "linear", "f(b) = 1 + sigma (b - 1) (EvalPro's per-core slowdown)",
      [](const Params& p) { return std::make_unique<Usl>(p.get_double("contention.sigma"), 0.0); },
      {param::real("contention.sigma", 0, "", "slowdown per extra busy slot", 0, 100)});
  r.add("usl", "f(b) = 1 + sigma (b - 1) + kappa b (b - 1) (universal scalability law)",
        [](const Params& p) {
          return std::make_unique<Usl>(p.get_double("contention.sigma"),
                                       p.get_double("contention.kappa"));
        },
        {param::real("contention.sigma", 0, "", "slowdown per extra busy slot", 0, 100),
         param::real("contention.kappa", 0, "", "coherency term per pair of busy slots", 0, 100)});
  r.add("table", "measured f(b) at given busy counts, linear in between (aiVLE's s(c)/s(1))",
        [](const Params& p) {
          return std::make_unique<Table>(p.get_doubles("contention.busy"),
                                         p.get_doubles("contention.factor"));
        },
        {param::reals("contention.busy", "1", "slots",
                      "busy counts of the table (from 1, increasing)", 1),
         param::reals("contention.factor", "1", "", "f at each busy count", 0)});
  return true;
}();

}  // namespace
}  // namespace clustersim::balancing
