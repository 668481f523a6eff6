// Service-time distributions: constant, exponential, lognormal (given mean and coefficient of
// variation) and empirical (drawn uniformly, with replacement, from a CSV column `service_s`).
#include <cmath>

#include <fmt/format.h>

#include "clustersim/balancing/components.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim::balancing {

Registry<ServiceFactory>& service_models() {
  static Registry<ServiceFactory> r("service distribution", "balancing");
  return r;
}

namespace {

const ParamSpec kMean = param::real("service.mean_s", 1, "s", "mean service demand", 1e-6, 1e9);

class Constant final : public ServiceModel {
 public:
  explicit Constant(double s) : s_(s) {}
  double draw(RngStream&) override { return s_; }
  double mean() const override { return s_; }

 private:
  double s_;
};

class Exponential final : public ServiceModel {
 public:
  explicit Exponential(double m) : m_(m) {}
  // A draw of exactly 0 (probability 2^-53) would be a zero-work task; keep it positive.
  double draw(RngStream& r) override { return std::max(r.exponential(m_), 1e-9); }
  double mean() const override { return m_; }

 private:
  double m_;
};

class Lognormal final : public ServiceModel {
 public:
  Lognormal(double mean, double cv) : mean_(mean) {
    sigma_ = std::sqrt(std::log1p(cv * cv));
    mu_ = std::log(mean) - sigma_ * sigma_ / 2;
  }
  double draw(RngStream& r) override { return r.lognormal(mu_, sigma_); }
  double mean() const override { return mean_; }

 private:
  double mean_, mu_ = 0, sigma_ = 0;
};

class Empirical final : public ServiceModel {
 public:
  explicit Empirical(const std::string& path) {
    if (path.empty()) throw InputError("service=empirical needs --set service.file=FILE.csv");
    CsvReader csv(path);
    const auto col = csv.require({"service_s"});
    while (csv.next()) {
      const double v = csv.get_double(col);
      if (!(v > 0) || v > kMaxInputSeconds)
        csv.fail(
            fmt::format("column 'service_s': {} is not a positive service time", csv.field(col)));
      values_.push_back(v);
      sum_ += v;
    }
    if (values_.empty()) csv.fail("no service time in the file");
  }
  double draw(RngStream& r) override {
    return values_[static_cast<std::size_t>(
        r.uniform_int(0, static_cast<std::int64_t>(values_.size()) - 1))];
  }
  double mean() const override { return sum_ / static_cast<double>(values_.size()); }

 private:
  std::vector<double> values_;
  double sum_ = 0;
};

const bool registered = [] {
  auto& r = service_models();
  r.add("constant", "every task needs service.mean_s",
        [](const Params& p) { return std::make_unique<Constant>(p.get_double("service.mean_s")); },
        {kMean});
  r.add(
      "exponential", "exponential with mean service.mean_s",
      [](const Params& p) { return std::make_unique<Exponential>(p.get_double("service.mean_s")); },
      {kMean});
  r.add("lognormal", "lognormal with mean service.mean_s and coefficient of variation service.cv",
        [](const Params& p) {
          return std::make_unique<Lognormal>(p.get_double("service.mean_s"),
                                             p.get_double("service.cv"));
        },
        {kMean, param::real("service.cv", 1, "", "standard deviation / mean", 0, 100)});
  r.add("empirical", "uniform draws (with replacement) from the column service_s of service.file",
        [](const Params& p) { return std::make_unique<Empirical>(p.get_string("service.file")); },
        {param::path("service.file", "CSV with a column service_s (seconds)")});
  return true;
}();

}  // namespace
}  // namespace clustersim::balancing
