#include "clustersim/training/trace_generator.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"
#include "clustersim/core/rng.hpp"

namespace clustersim {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto cut = s.find(sep, start);
    out.push_back(s.substr(start, cut == std::string::npos ? std::string::npos : cut - start));
    if (cut == std::string::npos) break;
    start = cut + 1;
  }
  return out;
}

double number(const std::string& s, const std::string& what, const std::string& whole) {
  if (auto v = parse_double(s)) return *v;
  throw InputError(fmt::format("{}: '{}' in '{}' is not a number", what, s, whole));
}

}  // namespace

Distribution Distribution::parse(const std::string& text, const std::string& what) {
  Distribution d;
  d.text_ = text;
  if (text.empty()) throw InputError(what + ": empty distribution");
  for (const auto& part : split(text, '|')) {
    Component c;
    std::string body = part;
    if (auto at = part.find('@'); at != std::string::npos) {
      c.weight = number(part.substr(0, at), what, text);
      if (!(c.weight >= 0))
        throw InputError(fmt::format("{}: negative weight in '{}'", what, text));
      body = part.substr(at + 1);
    }
    auto colon = body.find(':');
    if (colon == std::string::npos) {
      throw InputError(
          fmt::format("{}: '{}' is not KIND:ARGS (e.g. exp:600, uniform:1,10)", what, body));
    }
    c.kind = body.substr(0, colon);
    auto args = split(body.substr(colon + 1), ',');
    const bool two = c.kind == "uniform" || c.kind == "loguniform" || c.kind == "lognormal";
    const bool one = c.kind == "const" || c.kind == "exp";
    if (!one && !two) {
      throw InputError(fmt::format(
          "{}: unknown distribution '{}' (known: const, uniform, loguniform, exp, lognormal)", what,
          c.kind));
    }
    if (args.size() != (two ? 2u : 1u)) {
      throw InputError(fmt::format("{}: '{}' takes {} argument(s)", what, c.kind, two ? 2 : 1));
    }
    c.a = number(args[0], what, text);
    c.b = two ? number(args[1], what, text) : 0;
    if (c.kind == "uniform" && !(c.a <= c.b)) throw InputError(what + ": uniform needs LO <= HI");
    if (c.kind == "loguniform" && !(c.a > 0 && c.a <= c.b)) {
      throw InputError(what + ": loguniform needs 0 < LO <= HI");
    }
    if ((c.kind == "exp" && !(c.a > 0)) || (c.kind == "lognormal" && !(c.b >= 0))) {
      throw InputError(what + ": exp needs a positive mean, lognormal a non-negative sigma");
    }
    d.parts_.push_back(c);
  }
  double total = 0;
  for (auto& c : d.parts_)
    total += c.weight;
  if (!(total > 0)) throw InputError(what + ": mixture weights sum to zero");
  return d;
}

double Distribution::draw(RngStream& rng) const {
  std::size_t i = 0;
  if (parts_.size() > 1) {
    std::vector<double> w;
    for (auto& c : parts_)
      w.push_back(c.weight);
    i = rng.weighted_index(w);
  }
  const Component& c = parts_[i];
  if (c.kind == "const") return c.a;
  if (c.kind == "uniform") return rng.uniform(c.a, c.b);
  if (c.kind == "loguniform") return std::pow(10.0, rng.uniform(std::log10(c.a), std::log10(c.b)));
  if (c.kind == "exp") return rng.exponential(c.a);
  return rng.lognormal(c.a, c.b);
}

std::vector<std::pair<int, double>> parse_gpu_mix(const std::string& text,
                                                  const std::string& what) {
  std::vector<std::pair<int, double>> out;
  for (const auto& item : split(text, ',')) {
    auto f = split(item, ':');
    auto g = parse_int(f[0]);
    if (f.size() > 2 || !g || *g < 1 || *g > (1 << 20)) {
      throw InputError(fmt::format("{}: '{}' is not GPUS[:WEIGHT] with GPUS >= 1", what, item));
    }
    double w = f.size() == 2 ? number(f[1], what, text) : 1.0;
    if (!(w >= 0)) throw InputError(fmt::format("{}: negative weight in '{}'", what, item));
    out.emplace_back(static_cast<int>(*g), w);
  }
  return out;
}

std::vector<ModelChoice> parse_model_mix(const std::string& text, const std::string& what) {
  std::vector<ModelChoice> out;
  for (const auto& item : split(text, ',')) {
    auto f = split(item, ':');
    if (f.size() < 2 || f.size() > 3 || f[0].empty()) {
      throw InputError(fmt::format("{}: '{}' is not MODEL:BATCH[:WEIGHT]", what, item));
    }
    auto b = parse_int(f[1]);
    if (!b || *b < 0 || *b > (1 << 30)) {
      throw InputError(
          fmt::format("{}: batch size '{}' is not a non-negative integer", what, f[1]));
    }
    double w = f.size() == 3 ? number(f[2], what, text) : 1.0;
    if (!(w >= 0)) throw InputError(fmt::format("{}: negative weight in '{}'", what, item));
    out.push_back({f[0], static_cast<int>(*b), w});
  }
  return out;
}

TraceGeneratorSettings TraceGeneratorSettings::preset_named(const std::string& name) {
  TraceGeneratorSettings s;
  s.preset = name;
  if (name == "elasticflow") {
    // ElasticFlow trace_generator/generate_trace.py (figs 9-11): 14 job templates drawn
    // uniformly; GPU counts from the ITP distribution (r < .83 → 1, < .86 → 2, < .89 → 4,
    // < .99 → 8, else 16; capped at 16); run time 60·10^U(1, 2.5) s with probability 0.8, else
    // 60·10^U(2.5, 4) s; deadline = submit + U(0.5, 1.5)·duration; fig 9: 1000 jobs, 1500 s.
    s.jobs = 1000;
    s.mean_interarrival_s = 1500;
    s.models = parse_model_mix(
        "resnet50:64,resnet50:128,resnet50:256,vgg16:64,vgg16:128,vgg16:256,inception3:64,"
        "inception3:128,gpt2:128,gpt2:256,bert:128,bert:64,deepspeech2:64,deepspeech2:32",
        "preset");
    s.gpus = {{1, 0.83}, {2, 0.03}, {4, 0.03}, {8, 0.10}, {16, 0.01}};
    s.max_gpus = 16;
    s.duration = "0.8@loguniform:600,18973.665961010276|0.2@loguniform:18973.665961010276,600000";
    s.deadline_lo = 0.5;
    s.deadline_hi = 1.5;
    s.best_effort_share = 0;
    s.integer_seconds = true;
  } else if (name == "demo") {
    // Table-free, for a 32-GPU cluster: 1-8 GPU jobs, run times log-uniform 10 min-17 h with a
    // 5% tail up to ~7 days (the Philly-like shape of the ElasticFlow generator's utils.py),
    // about 1.5x the cluster's capacity offered, so queueing policies differ visibly.
    s.jobs = 200;
    s.mean_interarrival_s = 1000;
    s.models = parse_model_mix("resnet50:64,vgg16:64,inception3:64,gpt2:128,bert:64,deepspeech2:32",
                               "preset");
    s.gpus = {{1, 0.6}, {2, 0.15}, {4, 0.15}, {8, 0.10}};
    s.max_gpus = 8;
    s.duration = "0.95@loguniform:600,60000|0.05@loguniform:60000,600000";
    s.deadline_lo = 1.0;
    s.deadline_hi = 3.0;
    s.best_effort_share = 0.1;
    s.integer_seconds = true;
  } else {
    throw InputError(fmt::format("unknown trace preset '{}' (known: demo, elasticflow)", name));
  }
  return s;
}

void TraceGeneratorSettings::validate() const {
  if (jobs < 1) throw InputError("trace generator: jobs must be >= 1");
  if (!(mean_interarrival_s >= 0) || mean_interarrival_s > 1e9) {
    throw InputError("trace generator: mean inter-arrival must be in [0, 1e9] s");
  }
  if (models.empty()) throw InputError("trace generator: no models given (--models)");
  double mw = 0;
  for (auto& m : models)
    mw += m.weight;
  if (!(mw > 0)) throw InputError("trace generator: model weights sum to zero");
  if (gpus.empty()) throw InputError("trace generator: no GPU counts given (--gpus)");
  double gw = 0;
  for (auto& g : gpus)
    gw += g.second;
  if (!(gw > 0)) throw InputError("trace generator: GPU weights sum to zero");
  if (max_gpus < 0) throw InputError("trace generator: max GPUs must be >= 0");
  if (duration.empty() == iterations.empty()) {
    throw InputError(
        "trace generator: give exactly one of a duration and an iterations distribution");
  }
  if (!iterations.empty() && throughputs.empty()) {
    throw InputError(
        "trace generator: an iterations distribution needs a throughput table (--throughputs)");
  }
  if (!duration.empty()) Distribution::parse(duration, "duration");
  if (!iterations.empty()) Distribution::parse(iterations, "iterations");
  if (!(deadline_lo >= 0 && deadline_lo <= deadline_hi && deadline_hi < 1e6)) {
    throw InputError("trace generator: deadline factors need 0 <= LO <= HI");
  }
  if (!(best_effort_share >= 0 && best_effort_share <= 1)) {
    throw InputError("trace generator: best-effort share must be in [0, 1]");
  }
}

nlohmann::json TraceGeneratorSettings::to_json() const {
  nlohmann::json j;
  j["generator"] = "clustersim trace generate";
  j["preset"] = preset;
  j["jobs"] = jobs;
  j["seed"] = seed;
  j["run"] = run;
  j["mean_interarrival_s"] = mean_interarrival_s;
  std::string m, g;
  for (auto& c : models)
    m += fmt::format("{}{}:{}:{}", m.empty() ? "" : ",", c.model, c.batch_size, c.weight);
  for (auto& [n, w] : gpus)
    g += fmt::format("{}{}:{}", g.empty() ? "" : ",", n, w);
  j["models"] = m;
  j["gpus"] = g;
  j["max_gpus"] = max_gpus;
  j["duration"] = duration;
  j["iterations"] = iterations;
  j["throughputs"] = throughputs;
  j["deadline_factor"] = {deadline_lo, deadline_hi};
  j["best_effort_share"] = best_effort_share;
  j["integer_seconds"] = integer_seconds;
  return j;
}

TraceGeneratorSettings TraceGeneratorSettings::from_json_file(const std::string& path) {
  JsonInput in(path);
  if (!in.root().is_object()) in.fail("", "generator settings must be a JSON object");
  TraceGeneratorSettings s;
  for (auto& [key, value] : in.root().items()) {
    const std::string p = "/" + key;
    auto nonneg = [&](const char* what) {
      auto v = in.integer(p);
      if (v < 0) in.fail(p, fmt::format("'{}' must be >= 0", what));
      return v;
    };
    try {
      if (key == "generator" || key == "trace")
        continue;  // informational
      else if (key == "preset")
        s.preset = in.string(p);
      else if (key == "jobs") {
        auto v = nonneg("jobs");
        if (v > 100'000'000) in.fail(p, "'jobs' is too large");
        s.jobs = static_cast<int>(v);
      } else if (key == "seed")
        s.seed = static_cast<std::uint64_t>(nonneg("seed"));
      else if (key == "run")
        s.run = static_cast<std::uint64_t>(nonneg("run"));
      else if (key == "mean_interarrival_s")
        s.mean_interarrival_s = in.number(p);
      else if (key == "models")
        s.models = parse_model_mix(in.string(p), "models");
      else if (key == "gpus")
        s.gpus = parse_gpu_mix(in.string(p), "gpus");
      else if (key == "max_gpus")
        s.max_gpus = static_cast<int>(std::min<std::int64_t>(nonneg("max_gpus"), 1 << 20));
      else if (key == "duration")
        s.duration = in.string(p);
      else if (key == "iterations")
        s.iterations = in.string(p);
      else if (key == "throughputs")
        s.throughputs = in.string(p);
      else if (key == "deadline_factor") {
        if (!value.is_array() || value.size() != 2)
          in.fail(p, "'deadline_factor' must be [lo, hi]");
        s.deadline_lo = in.number(p + "/0");
        s.deadline_hi = in.number(p + "/1");
      } else if (key == "best_effort_share")
        s.best_effort_share = in.number(p);
      else if (key == "integer_seconds") {
        if (!value.is_boolean()) in.fail(p, "'integer_seconds' must be true or false");
        s.integer_seconds = value.get<bool>();
      } else {
        in.fail(p, fmt::format("unknown key '{}'", key));
      }
    } catch (const InputError& e) {
      if (!e.file().empty()) throw;
      throw InputError(path, in.line_of(p), e.what());  // value-level errors get the key's line
    }
  }
  try {
    s.validate();
  } catch (const InputError& e) {
    throw InputError(path, 1, e.what());
  }
  return s;
}

namespace {

// One generated job from its draws (seconds; `factor` scales the duration into the deadline).
struct Draws {
  double arrival, duration, iterations, factor;
};
Job make_job(const TraceGeneratorSettings& s, int i, const ModelChoice& m, int gpus, const Draws& d,
             bool best_effort) {
  const double arrival = d.arrival, duration = d.duration, factor = d.factor;
  Job j;
  j.index = i;
  j.id = std::to_string(i);
  j.model = m.model;
  j.batch_size = m.batch_size;
  j.gpus = gpus;
  j.iterations = d.iterations;
  j.best_effort = best_effort;
  if (s.integer_seconds) {
    j.submit = seconds(static_cast<std::int64_t>(std::floor(arrival)));
    j.duration_s = std::floor(duration);
    if (!best_effort) {
      j.deadline =
          seconds(static_cast<std::int64_t>(std::floor(arrival + std::floor(factor * duration))));
    }
  } else {
    j.submit = from_seconds(arrival);
    j.duration_s = to_seconds(from_seconds(duration));  // what the trace file can hold
    if (!best_effort) j.deadline = from_seconds(arrival + factor * duration);
  }
  if (!(*j.duration_s > 0)) {  // the trace readers refuse zero durations
    throw InputError(fmt::format(
        "trace generator: job {} gets a zero duration ({} s drawn); draw durations of at least "
        "1 s (or 1 us without integer seconds)",
        i, duration));
  }
  return j;
}

}  // namespace

Trace generate_trace(const TraceGeneratorSettings& s) {
  s.validate();
  ThroughputTable table;
  const bool have_table = !s.throughputs.empty();
  if (have_table) table = read_throughput_table(s.throughputs);
  auto rate_of = [&](const ModelChoice& m, int gpus) -> double {
    auto mi = table.rates.find(m.model);
    if (mi == table.rates.end()) return 0;
    auto bi = mi->second.find(m.batch_size);
    if (bi == mi->second.end()) return 0;
    auto gi = bi->second.find(gpus);
    return gi == bi->second.end() ? 0 : gi->second;
  };
  if (have_table) {
    for (auto& m : s.models) {
      if (!table.rates.count(m.model) || !table.rates.at(m.model).count(m.batch_size)) {
        throw InputError(fmt::format("trace generator: model {} at batch {} is not in the table {}",
                                     m.model, m.batch_size, s.throughputs));
      }
    }
  }

  RngStream arrival_rng(s.seed, s.run, "trace.arrival");
  RngStream model_rng(s.seed, s.run, "trace.model");
  RngStream gpu_rng(s.seed, s.run, "trace.gpus");
  RngStream duration_rng(s.seed, s.run, "trace.duration");
  RngStream iteration_rng(s.seed, s.run, "trace.iterations");
  RngStream deadline_rng(s.seed, s.run, "trace.deadline");
  RngStream be_rng(s.seed, s.run, "trace.best_effort");
  const Distribution duration_dist =
      s.duration.empty() ? Distribution{} : Distribution::parse(s.duration, "duration");
  const Distribution iteration_dist =
      s.iterations.empty() ? Distribution{} : Distribution::parse(s.iterations, "iterations");
  std::vector<double> model_w, gpu_w;
  for (auto& m : s.models)
    model_w.push_back(m.weight);
  for (auto& g : s.gpus)
    gpu_w.push_back(g.second);

  Trace trace;
  trace.path = "(generated)";
  trace.format = "clustersim";
  trace.jobs.reserve(static_cast<std::size_t>(s.jobs));
  double arrival = 0;
  for (int i = 0; i < s.jobs; ++i) {
    if (i > 0 && s.mean_interarrival_s > 0)
      arrival += arrival_rng.exponential(s.mean_interarrival_s);
    int gpus = s.gpus[gpu_rng.weighted_index(gpu_w)].first;
    if (s.max_gpus > 0) gpus = std::min(gpus, s.max_gpus);
    const ModelChoice* m = &s.models[model_rng.weighted_index(model_w)];
    double rate = 0;
    if (have_table) {
      int tries = 0;
      while (!((rate = rate_of(*m, gpus)) > 0)) {
        if (++tries > 1000) {
          throw InputError(
              fmt::format("trace generator: no model in the mix has a throughput on {} GPUs in {}",
                          gpus, s.throughputs));
        }
        m = &s.models[model_rng.weighted_index(model_w)];
      }
    }
    double duration = 0, iterations = 0;
    if (!duration_dist.empty()) {
      duration = duration_dist.draw(duration_rng);
      iterations = have_table ? duration * rate : 0;
      if (s.integer_seconds) iterations = std::floor(iterations);
    } else {
      iterations = iteration_dist.draw(iteration_rng);
      if (s.integer_seconds) iterations = std::floor(iterations);
      duration = iterations / rate;
    }
    const double factor = deadline_rng.uniform(s.deadline_lo, s.deadline_hi);
    const bool best_effort = be_rng.uniform() < s.best_effort_share;
    if (!(duration >= 0 && duration < kMaxInputSeconds / 2) || arrival >= kMaxInputSeconds / 2) {
      throw InputError(fmt::format("trace generator: job {} has an out-of-range time", i));
    }

    trace.jobs.push_back(
        make_job(s, i, *m, gpus, {arrival, duration, iterations, factor}, best_effort));
  }
  return trace;
}

}  // namespace clustersim
