// `clustersim trace generate` and `clustersim trace inspect`.
#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "clustersim/cluster/cluster.hpp"
#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/training/trace_generator.hpp"
#include "clustersim/training/trace_reader.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

struct GenerateOptions {
  std::string out, settings_out, from, preset, models, gpus, duration, iterations, throughputs,
      deadline_factor, integer_seconds;
  int jobs = 0, max_gpus = 0;
  std::uint64_t seed = 1, run = 0;
  double mean_interarrival = 0, best_effort = 0;
};

std::string default_settings_path(const std::string& trace) {
  std::filesystem::path p(trace);
  return p.replace_extension(".json").string();
}

void generate(const GenerateOptions& o, const CLI::App& cmd) {
  if (o.out.empty()) throw InputError("no output file given (--out)");
  TraceGeneratorSettings s;
  if (!o.from.empty() && !o.preset.empty()) throw InputError("give --from or --preset, not both");
  if (!o.from.empty()) s = TraceGeneratorSettings::from_json_file(o.from);
  if (!o.preset.empty()) s = TraceGeneratorSettings::preset_named(o.preset);
  // Options given on the command line override the preset or the settings file.
  if (cmd.count("--jobs")) s.jobs = o.jobs;
  if (cmd.count("--seed")) s.seed = o.seed;
  if (cmd.count("--run")) s.run = o.run;
  if (cmd.count("--mean-interarrival")) s.mean_interarrival_s = o.mean_interarrival;
  if (cmd.count("--models")) s.models = parse_model_mix(o.models, "--models");
  if (cmd.count("--gpus")) s.gpus = parse_gpu_mix(o.gpus, "--gpus");
  if (cmd.count("--max-gpus")) s.max_gpus = o.max_gpus;
  if (cmd.count("--duration")) {
    s.duration = o.duration;
    s.iterations.clear();
  }
  if (cmd.count("--iterations")) {
    s.iterations = o.iterations;
    s.duration.clear();
  }
  if (cmd.count("--throughputs")) s.throughputs = o.throughputs;
  if (cmd.count("--deadline-factor")) {
    auto comma = o.deadline_factor.find(',');
    auto lo = parse_double(o.deadline_factor.substr(0, comma));
    auto hi = comma == std::string::npos ? lo : parse_double(o.deadline_factor.substr(comma + 1));
    if (!lo || !hi) throw InputError("--deadline-factor: expected LO,HI or one fixed factor");
    s.deadline_lo = *lo;
    s.deadline_hi = *hi;
  }
  if (cmd.count("--best-effort")) s.best_effort_share = o.best_effort;
  if (cmd.count("--integer-seconds")) {
    if (o.integer_seconds != "true" && o.integer_seconds != "false") {
      throw InputError("--integer-seconds: expected true or false");
    }
    s.integer_seconds = o.integer_seconds == "true";
  }
  Trace t = generate_trace(s);
  write_trace_csv(t, o.out);
  auto j = s.to_json();
  j["trace"] = std::filesystem::path(o.out).filename().string();
  const std::string settings =
      o.settings_out.empty() ? default_settings_path(o.out) : o.settings_out;
  write_file_atomically(settings, j.dump(2) + "\n");
  fmt::print("wrote {} jobs to {} (settings: {})\n", t.jobs.size(), o.out, settings);
}

struct InspectOptions {
  std::string file, format = "auto", cluster, throughputs;
  int max_gpus = 0;
  bool strict = false;
};

std::string hms(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  if (s < 172800) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

// Over 80 lines: the report's sections in print order, each a few lines.
void inspect(const InspectOptions& o) {
  const Trace t = read_trace(o.file, o.format);  // GPU limits are reported below, not fatal
  int cluster_gpus = o.max_gpus;
  if (!o.cluster.empty()) cluster_gpus = read_cluster_spec(o.cluster).total_gpus();
  std::unique_ptr<ThroughputModel> tp;
  if (!o.throughputs.empty()) tp = make_table_throughput(read_throughput_table(o.throughputs));

  std::vector<std::string> problems;
  auto problem = [&](const Job& j, const std::string& what) {
    problems.push_back(fmt::format("{}:{}: job '{}': {}", t.path, j.source_line, j.id, what));
  };
  std::map<int, int> gpu_hist;
  std::map<std::string, int> models;
  std::vector<double> durations, slack;
  int deadline_jobs = 0, best_effort = 0, infeasible = 0;
  double gpu_seconds = 0;
  for (const auto& j : t.jobs) {
    ++gpu_hist[j.gpus];
    ++models[j.model];
    best_effort += j.best_effort;
    if (cluster_gpus > 0 && j.gpus > cluster_gpus) {
      problem(j, fmt::format("asks for {} GPUs but the cluster has {}", j.gpus, cluster_gpus));
    }
    if (j.duration_s) {
      durations.push_back(*j.duration_s);
      gpu_seconds += *j.duration_s * j.gpus;
      if (*j.duration_s == 0) problem(j, "zero duration");
    } else if (!tp) {
      problem(j, "no duration and no throughput table (--throughputs) to derive one");
    }
    if (tp) {
      try {
        tp->check(j, t.path);
        if (j.iterations <= 0) problem(j, "zero iterations");
      } catch (const InputError& e) {
        problems.push_back(e.what());
      }
    }
    if (j.deadline) {
      ++deadline_jobs;
      if (*j.deadline < j.submit) {
        problem(j, "deadline before submit time");
      } else if (j.duration_s && *j.duration_s > 0) {
        const double f = to_seconds(*j.deadline - j.submit) / *j.duration_s;
        slack.push_back(f);
        if (f < 1) ++infeasible;
      }
    }
  }

  const double span = to_seconds(t.jobs.back().submit - t.jobs.front().submit);
  fmt::print("{:<22}{}\n", "trace", t.path);
  fmt::print("{:<22}{}\n", "format", t.format);
  fmt::print("{:<22}{}\n", "jobs", t.jobs.size());
  fmt::print("{:<22}{} s ({}) from {} s to {} s\n", "submit span",
             format_seconds(t.jobs.back().submit - t.jobs.front().submit), hms(span),
             format_seconds(t.jobs.front().submit), format_seconds(t.jobs.back().submit));
  if (t.jobs.size() > 1) {
    fmt::print("{:<22}{:.1f} s\n", "mean inter-arrival",
               span / static_cast<double>(t.jobs.size() - 1));
  }
  if (!durations.empty()) {
    fmt::print("{:<22}mean {:.0f} s, median {:.0f} s, p99 {:.0f} s, max {:.0f} s\n", "duration",
               mean(durations), median(durations), percentile_index(durations, 0.99),
               *std::max_element(durations.begin(), durations.end()));
    fmt::print("{:<22}{:.0f}\n", "GPU-seconds", gpu_seconds);
    if (cluster_gpus > 0 && span > 0) {
      fmt::print("{:<22}{:.2f} (GPU-seconds / ({} GPUs x submit span))\n", "offered load",
                 gpu_seconds / (cluster_gpus * span), cluster_gpus);
    }
  }
  fmt::print("GPUs per job:\n");
  for (auto& [g, n] : gpu_hist) {
    fmt::print("  {:>6} GPUs {:>8} ({:.1f}%)\n", g, n,
               100.0 * n / static_cast<double>(t.jobs.size()));
  }
  fmt::print("models:\n");
  for (auto& [m, n] : models)
    fmt::print("  {:<20}{:>8}\n", m, n);
  fmt::print("{:<22}{} with a deadline, {} best-effort, {} neither\n", "deadlines", deadline_jobs,
             best_effort, static_cast<int>(t.jobs.size()) - deadline_jobs - best_effort);
  if (!slack.empty()) {
    fmt::print("{:<22}min {:.3f}, median {:.3f}, max {:.3f}; {} below 1 (unmeetable even alone)\n",
               "(deadline-submit)/dur", *std::min_element(slack.begin(), slack.end()),
               median(slack), *std::max_element(slack.begin(), slack.end()), infeasible);
  }
  if (problems.empty()) {
    fmt::print("problems: none\n");
  } else {
    fmt::print("problems: {}\n", problems.size());
    const std::size_t shown = std::min<std::size_t>(problems.size(), 50);
    for (std::size_t i = 0; i < shown; ++i)
      fmt::print("  {}\n", problems[i]);
    if (shown < problems.size()) fmt::print("  ... and {} more\n", problems.size() - shown);
    if (o.strict) throw InputError(fmt::format("{}: {} problem(s) found", t.path, problems.size()));
  }
}

const bool registered = register_command(30, [](CLI::App& root) {
  auto* trace = root.add_subcommand("trace", "Generate or inspect training traces");
  trace->require_subcommand(1);

  auto g = std::make_shared<GenerateOptions>();
  auto* gen = trace->add_subcommand("generate", "Generate a synthetic trace (fully seeded)");
  gen->add_option("--out", g->out, "trace file to write (clustersim CSV format)");
  gen->add_option("--settings-out", g->settings_out,
                  "generator settings JSON (default: the trace's name with .json)");
  gen->add_option("--from", g->from, "start from a settings JSON written by an earlier run");
  gen->add_option("--preset", g->preset, "start from a preset: elasticflow, demo");
  gen->add_option("--jobs", g->jobs, "number of jobs");
  gen->add_option("--seed", g->seed, "random seed (default 1)");
  gen->add_option("--run", g->run, "run index (independent replications of one seed)");
  gen->add_option("--mean-interarrival", g->mean_interarrival,
                  "mean of the exponential inter-arrival gaps, seconds (0: all at time 0)");
  gen->add_option("--models", g->models, "model mix MODEL:BATCH[:WEIGHT],...");
  gen->add_option("--gpus", g->gpus, "GPU-count mix GPUS[:WEIGHT],...");
  gen->add_option("--max-gpus", g->max_gpus, "cap on drawn GPU counts (0: none)");
  gen->add_option("--duration", g->duration,
                  "run-time distribution, seconds, e.g. 'loguniform:600,36000' or "
                  "'0.8@exp:600|0.2@exp:36000'");
  gen->add_option("--iterations", g->iterations,
                  "iterations distribution (needs --throughputs; duration = iterations / rate)");
  gen->add_option("--throughputs", g->throughputs,
                  "throughput table; models must be in it and iterations are derived");
  gen->add_option("--deadline-factor", g->deadline_factor,
                  "deadline = submit + U(LO,HI) x duration ('LO,HI'), or a fixed factor");
  gen->add_option("--best-effort", g->best_effort, "share of best-effort jobs (no deadline), 0-1");
  gen->add_option("--integer-seconds", g->integer_seconds,
                  "true|false: truncate times and iterations to integers as ElasticFlow does");
  gen->callback([g, gen] { generate(*g, *gen); });

  auto i = std::make_shared<InspectOptions>();
  auto* ins = trace->add_subcommand("inspect", "Summarise a trace and list the problems found");
  ins->add_option("file", i->file, "trace file")->required();
  ins->add_option("--format", i->format, "auto|clustersim|elasticflow|tiresias|muri")
      ->default_val("auto");
  ins->add_option("--cluster", i->cluster, "cluster spec: report jobs larger than the cluster");
  ins->add_option("--max-gpus", i->max_gpus, "report jobs asking for more GPUs than this");
  ins->add_option("--throughputs", i->throughputs,
                  "throughput table: report unknown models/batches");
  ins->add_flag("--strict", i->strict, "exit 2 when problems are found");
  ins->callback([i] { inspect(*i); });
});

}  // namespace
}  // namespace clustersim::cli
