// A seeded generator of synthetic Azure Functions 2019 days in the MAF format, for users without
// the dataset (research/maf2019_stats.md). Distributions and why:
//   * apps: 54 % have one function; larger apps have n ~ zeta(maf.app_size_alpha) functions on
//     2..maf.max_app_functions (alpha 2.2 puts 95 % of apps at <= 10 functions, as the paper);
//   * daily invocations per app: stratified quantiles of a piecewise log-linear distribution
//     through the paper's app percentiles (45 % at most once an hour, 81 % at most once a
//     minute, 97 % at most once a second; the least popular app once a day); the top
//     segment's end is solved so that the day's mean rate is maf.mean_rps (1.0e4 r/s: the
//     third-party Fig. 11 run offered 5.5k r/s in its first minute at scale 0.5, research
//     clockwork.md 2.2). This also gives the paper's "18.6 % of apps make 99.6 % of calls";
//   * functions of an app share its calls by lognormal(0, 1.5) weights times a per-trigger
//     factor (trigger's share of calls / share of functions); triggers are drawn with the
//     paper's function shares (http 55, queue 15.2, event 2.2, timer 15.6, orchestration 7,
//     others 5 %);
//   * timers fire periodically (period = day / daily count, top of the hour for half of the
//     hourly-or-slower ones); other functions follow a diurnal rate 1 + a sin(2 pi m / 1440)
//     (a = 1/3: peak twice the trough, half the traffic a constant base), Poisson per minute,
//     and for maf.bursty_apps of the apps gamma-modulated per minute (shape maf.burst_shape),
//     which puts their inter-arrival CV above 1 (paper: 40 % of apps).
// Every function draws from its own named stream, so the first minutes of a day are the same
// whatever the number of minutes kept.
#pragma once

#include <cstdint>
#include <string>

#include "clustersim/core/params.hpp"
#include "clustersim/serving/maf_trace.hpp"

namespace clustersim::serving {

struct MafGeneratorSettings {
  int functions = 46412;  ///< day 1 of the dataset has 46,412 function rows
  double mean_rps = 1.0e4;
  double single_function_apps = 0.54;
  double app_size_alpha = 2.2;
  int max_app_functions = 500;
  double diurnal_amplitude = 1.0 / 3.0;
  double bursty_apps = 0.4;
  double burst_shape = 1.0;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
};

/// The generator's parameters (maf.*), declared by every workload that may use it.
const ParamSpecs& maf_generator_params();
MafGeneratorSettings maf_generator_settings(const Params& p, std::uint64_t seed, std::uint64_t run);
/// One line naming the settings (the trace's `source`).
std::string describe(const MafGeneratorSettings& s);

/// Generates one day; only the first `keep_minutes` counts are kept (totals are over the day).
MafTrace generate_maf_day(const MafGeneratorSettings& s, int keep_minutes = kMafMinutes);

}  // namespace clustersim::serving
