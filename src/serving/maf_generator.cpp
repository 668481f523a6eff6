#include "clustersim/serving/maf_generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/rng.hpp"
#include "samplers.hpp"

namespace clustersim::serving {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Function shares of the triggers (Shahrad et al. Fig. 3) and the factor that moves their share
// of invocations towards the paper's (share of invocations / share of functions).
struct TriggerShare {
  const char* name;
  double functions;
  double invocations;
};
constexpr std::array<TriggerShare, 6> kTriggers = {{{"http", 0.55, 0.36},
                                                    {"queue", 0.152, 0.335},
                                                    {"event", 0.022, 0.247},
                                                    {"timer", 0.156, 0.02},
                                                    {"orchestration", 0.07, 0.02},
                                                    {"others", 0.05, 0.01}}};
constexpr int kTimer = 3;

// log10 of the daily invocations of an app at quantile u: through the paper's app percentiles.
double app_log10_count(double u, double top) {
  constexpr std::array<double, 5> us = {0.0, 0.45, 0.81, 0.97, 1.0};
  const std::array<double, 5> xs = {0.0, std::log10(24.0), std::log10(1440.0), std::log10(86400.0),
                                    top};
  for (std::size_t i = 1; i < us.size(); ++i) {
    if (u <= us[i]) return xs[i - 1] + (xs[i] - xs[i - 1]) * (u - us[i - 1]) / (us[i] - us[i - 1]);
  }
  return top;
}

std::string hex_hash(RngStream& rng) {
  std::string s;
  for (int i = 0; i < 4; ++i)
    s += fmt::format("{:016x}", rng.next_u64());
  return s;
}

struct App {
  int functions = 0;
  double daily = 0;
  bool bursty = false;
  std::string owner, name;
};

std::vector<App> make_apps(const MafGeneratorSettings& s) {
  RngStream rng(s.seed, s.run, "maf.apps");
  std::vector<double> cdf;
  double sum = 0;
  for (int k = 2; k <= s.max_app_functions; ++k) {
    sum += std::pow(static_cast<double>(k), -s.app_size_alpha);
    cdf.push_back(sum);
  }
  std::vector<App> apps;
  int total = 0;
  while (total < s.functions) {
    int n = 1;
    if (rng.uniform() >= s.single_function_apps && !cdf.empty()) {
      const double x = rng.uniform() * sum;
      n = 2 + static_cast<int>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
    }
    n = std::min(n, s.functions - total);
    App a;
    a.functions = n;
    a.bursty = rng.uniform() < s.bursty_apps;
    a.owner = hex_hash(rng);
    a.name = hex_hash(rng);
    apps.push_back(std::move(a));
    total += n;
  }
  // Stratified quantiles: every 1/A slice of the distribution holds one app, in random order.
  const std::size_t n = apps.size();
  std::vector<std::size_t> slot(n);
  std::iota(slot.begin(), slot.end(), 0);
  for (std::size_t i = n; i > 1; --i)
    std::swap(slot[i - 1], slot[static_cast<std::size_t>(rng.uniform_int(0, i - 1))]);
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i)
    u[i] = (static_cast<double>(slot[i]) + rng.uniform()) / static_cast<double>(n);
  const double target = s.mean_rps * 86400.0;
  auto day_total = [&](double top) {
    double t = 0;
    for (double x : u)
      t += std::pow(10.0, app_log10_count(x, top));
    return t;
  };
  double lo = std::log10(86400.0), hi = 12.0;
  double top = lo;
  if (day_total(lo) < target) {
    for (int it = 0; it < 100; ++it) {
      top = 0.5 * (lo + hi);
      (day_total(top) < target ? lo : hi) = top;
    }
  }
  const double scale = target / day_total(top);  // 1 unless the target is out of reach
  for (std::size_t i = 0; i < n; ++i)
    apps[i].daily = std::pow(10.0, app_log10_count(u[i], top)) * scale;
  return apps;
}

}  // namespace

const ParamSpecs& maf_generator_params() {
  static const ParamSpecs specs = {
      param::integer("maf.functions", 46412, "functions",
                     "generated trace (no --trace): function rows (day 1 of the dataset: 46,412)",
                     1, 1e7),
      param::real("maf.mean_rps", 1.0e4, "req/s",
                  "generated trace: mean invocation rate over the day at scale 1 (inferred from "
                  "the third-party Fig. 11 run)",
                  1e-3, 1e9),
      param::real("maf.single_function_apps", 0.54, "",
                  "generated trace: share of apps with one function", 0, 1),
      param::real("maf.app_size_alpha", 2.2, "",
                  "generated trace: zeta exponent of the function count of larger apps", 1.01, 10),
      param::integer("maf.max_app_functions", 500, "functions", "generated trace: largest app", 2,
                     1e6),
      param::real("maf.diurnal_amplitude", 1.0 / 3.0, "",
                  "generated trace: relative amplitude of the daily cycle (1/3: peak = 2 x trough)",
                  0, 1),
      param::real("maf.bursty_apps", 0.4, "",
                  "generated trace: share of apps whose per-minute rate is gamma-modulated", 0, 1),
      param::real("maf.burst_shape", 1.0, "",
                  "generated trace: gamma shape of the bursty apps' per-minute factor", 0.01, 1e3),
  };
  return specs;
}

MafGeneratorSettings maf_generator_settings(const Params& p, std::uint64_t seed,
                                            std::uint64_t run) {
  MafGeneratorSettings s;
  s.functions = static_cast<int>(p.get_int("maf.functions"));
  s.mean_rps = p.get_double("maf.mean_rps");
  s.single_function_apps = p.get_double("maf.single_function_apps");
  s.app_size_alpha = p.get_double("maf.app_size_alpha");
  s.max_app_functions = static_cast<int>(p.get_int("maf.max_app_functions"));
  s.diurnal_amplitude = p.get_double("maf.diurnal_amplitude");
  s.bursty_apps = p.get_double("maf.bursty_apps");
  s.burst_shape = p.get_double("maf.burst_shape");
  s.seed = seed;
  s.run = run;
  return s;
}

std::string describe(const MafGeneratorSettings& s) {
  return fmt::format(
      "generated: maf.functions={} maf.mean_rps={} maf.single_function_apps={} "
      "maf.app_size_alpha={} maf.max_app_functions={} maf.diurnal_amplitude={} "
      "maf.bursty_apps={} maf.burst_shape={} seed={} run={}",
      s.functions, s.mean_rps, s.single_function_apps, s.app_size_alpha, s.max_app_functions,
      s.diurnal_amplitude, s.bursty_apps, s.burst_shape, s.seed, s.run);
}

MafTrace generate_maf_day(const MafGeneratorSettings& s, int keep_minutes) {
  if (keep_minutes < 0 || keep_minutes > kMafMinutes)
    throw InvariantError("generate_maf_day: keep_minutes out of range");
  const std::vector<App> apps = make_apps(s);
  std::array<double, kMafMinutes> diurnal{};
  std::array<double, kMafMinutes> diurnal_cdf{};
  double acc = 0;
  for (int m = 0; m < kMafMinutes; ++m) {
    diurnal[m] = 1.0 + s.diurnal_amplitude * std::sin(2 * kPi * m / kMafMinutes);
    acc += diurnal[m];
    diurnal_cdf[m] = acc;
  }
  MafTrace trace;
  trace.source = describe(s);
  trace.minutes_kept = keep_minutes;
  trace.functions.reserve(s.functions);
  std::vector<double> weight;
  std::vector<int> trigger;
  std::vector<std::uint32_t> day(kMafMinutes);
  for (const App& app : apps) {
    const std::size_t first = trace.functions.size();
    weight.assign(app.functions, 0.0);
    trigger.assign(app.functions, 0);
    double wsum = 0;
    for (int j = 0; j < app.functions; ++j) {
      RngStream rng(s.seed, s.run, fmt::format("maf.function.{}", first + j));
      MafFunction fn;
      fn.owner = app.owner;
      fn.app = app.name;
      fn.function = hex_hash(rng);
      double x = rng.uniform(), cum = 0;
      int t = 0;
      for (; t + 1 < static_cast<int>(kTriggers.size()); ++t) {
        cum += kTriggers[t].functions;
        if (x < cum) break;
      }
      trigger[j] = t;
      fn.trigger = kTriggers[t].name;
      weight[j] = rng.lognormal(0.0, 1.5) * kTriggers[t].invocations / kTriggers[t].functions;
      wsum += weight[j];
      trace.functions.push_back(std::move(fn));
    }
    for (int j = 0; j < app.functions; ++j) {
      MafFunction& fn = trace.functions[first + j];
      RngStream rng(s.seed, s.run, fmt::format("maf.counts.{}", first + j));
      const double daily = app.daily * weight[j] / wsum;
      std::fill(day.begin(), day.end(), 0);
      if (trigger[j] == kTimer) {
        if (daily <= kMafMinutes) {
          const int period =
              std::max(1, static_cast<int>(std::lround(kMafMinutes / std::max(daily, 1.0))));
          const int offset = period >= 60 && rng.uniform() < 0.5
                                 ? 0
                                 : static_cast<int>(rng.uniform_int(0, period - 1));
          for (int m = offset; m < kMafMinutes; m += period)
            day[m] = 1;
        } else {
          for (int m = 0; m < kMafMinutes; ++m)
            day[m] = static_cast<std::uint32_t>(std::floor((m + 1) * daily / kMafMinutes) -
                                                std::floor(m * daily / kMafMinutes));
        }
      } else if (daily >= kMafMinutes) {
        const double per_minute = daily / kMafMinutes;
        for (int m = 0; m < kMafMinutes; ++m) {
          double lambda = per_minute * diurnal[m];
          if (app.bursty) lambda *= gamma_sample(rng, s.burst_shape) / s.burst_shape;
          day[m] = static_cast<std::uint32_t>(
              std::min<std::uint64_t>(poisson_sample(rng, lambda), UINT32_MAX));
        }
      } else {
        const std::uint64_t n = poisson_sample(rng, daily);
        for (std::uint64_t e = 0; e < n; ++e) {
          const double x = rng.uniform() * acc;
          ++day[std::lower_bound(diurnal_cdf.begin(), diurnal_cdf.end(), x) - diurnal_cdf.begin()];
        }
      }
      fn.counts.assign(day.begin(), day.begin() + keep_minutes);
      fn.total = std::accumulate(day.begin(), day.end(), std::uint64_t{0});
    }
  }
  return trace;
}

}  // namespace clustersim::serving
