// Synthetic training traces (`clustersim trace generate`). Every attribute is drawn from its own
// random stream RngStream(seed, run, "trace.<attribute>"), so changing one distribution never
// shifts another attribute's draws: with the same seed, a trace generated with a different GPU
// mix keeps the same arrival times, models and durations.
//
// Per job, in this order of streams (each stream is only ever used for its own attribute):
//   trace.arrival      inter-arrival gap, exponential with mean `mean_interarrival_s`; the first
//                      job arrives at 0 (as in the ElasticFlow generator)
//   trace.model        one (model, batch size) of `models`, by weight
//   trace.gpus         one GPU count of `gpus`, by weight, capped at `max_gpus` when > 0
//   trace.duration     exclusive run time in seconds at the drawn GPU count (`duration`), or
//   trace.iterations   iterations (`iterations`); with a throughput table the other of the two is
//                      derived: iterations = duration × rate or duration = iterations / rate
//   trace.deadline     factor f ~ U(deadline_lo, deadline_hi); deadline = submit + f × duration
//   trace.best_effort  best_effort = 1 with probability `best_effort_share` (no deadline)
// With a table, a (model, batch) that has no rate at the drawn GPU count is redrawn from
// trace.model (up to 1000 times); without a table, models are names only.
//
// Distributions are written as text (also in the settings JSON):
//   const:X  uniform:LO,HI  loguniform:LO,HI (10^U(log LO, log HI))  exp:MEAN
//   lognormal:MU,SIGMA  and mixtures `W1@DIST1|W2@DIST2|...` (a component is picked by weight,
//   then drawn from; both draws come from the attribute's stream).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/training/job.hpp"
#include "clustersim/training/throughput.hpp"

namespace clustersim {

class RngStream;

/// A parsed distribution over positive reals.
class Distribution {
 public:
  Distribution() = default;
  /// Parses the text form; throws InputError naming `what` on a malformed spec.
  static Distribution parse(const std::string& text, const std::string& what);
  double draw(RngStream& rng) const;
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  struct Component {
    double weight = 1;
    std::string kind;
    double a = 0, b = 0;
  };
  std::string text_;
  std::vector<Component> parts_;
};

struct ModelChoice {
  std::string model;
  int batch_size = 0;
  double weight = 1;
};

struct TraceGeneratorSettings {
  std::string preset;  ///< informational: the preset the settings started from
  int jobs = 200;
  std::uint64_t seed = 1;
  std::uint64_t run = 0;
  double mean_interarrival_s = 900;
  std::vector<ModelChoice> models;
  std::vector<std::pair<int, double>> gpus;  ///< (GPU count, weight)
  int max_gpus = 0;                          ///< cap on drawn GPU counts; 0 = none
  std::string duration;                      ///< distribution text; used when `iterations` is empty
  std::string iterations;                    ///< distribution text; needs a throughput table
  std::string throughputs;  ///< path of a throughput table; empty = durations drawn directly
  double deadline_lo = 0.5, deadline_hi = 1.5;  ///< equal values = a fixed factor
  double best_effort_share = 0;
  /// Truncate times, durations and iterations to whole numbers as the ElasticFlow generator
  /// writes them (`%d`): submit = ⌊a⌋, duration = ⌊d⌋, iterations = ⌊d·rate⌋,
  /// deadline = ⌊a + ⌊f·d⌋⌋ (a = arrival and d = duration before truncation).
  bool integer_seconds = false;

  /// Named starting points: "elasticflow" (the ElasticFlow artifact's generate_trace.py
  /// distributions, figs 9-11) and "demo" (table-free, 1-8 GPUs, for a 32-GPU cluster).
  static TraceGeneratorSettings preset_named(const std::string& name);
  /// Throws InputError describing the first inconsistent setting.
  void validate() const;
  nlohmann::json to_json() const;
  /// Reads settings written by to_json (file:line errors on bad keys or values).
  static TraceGeneratorSettings from_json_file(const std::string& path);
};

/// Generates the trace; reads the throughput table when settings name one. Deterministic: the
/// same settings give the same jobs on every platform.
Trace generate_trace(const TraceGeneratorSettings& settings);

/// Comma-separated "v:w" pairs, e.g. "1:0.83,2:0.03" (GPU counts) or "resnet50:64:1,bert:128:2"
/// (models: name:batch[:weight]). Throw InputError naming `what` on malformed text.
std::vector<std::pair<int, double>> parse_gpu_mix(const std::string& text, const std::string& what);
std::vector<ModelChoice> parse_model_mix(const std::string& text, const std::string& what);

}  // namespace clustersim
