#include <iostream>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/training/run.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

struct RunOptions {
  std::string config;
  RunConfig run;
  std::vector<std::string> sets;
  bool quiet = false;
};

void print_table(const nlohmann::json& s) {
  auto num = [&](const char* k) {
    const auto& v = s[k];
    return v.is_null() ? std::string("-") : fmt::format("{:.4g}", v.get<double>());
  };
  fmt::print("{:<24}{}\n", "policy", s["run"]["policy"].get<std::string>());
  fmt::print("{:<24}{} / {}\n", "jobs finished", s["jobs_finished"].get<int>(),
             s["jobs"].get<int>());
  for (const char* k : {"jct_mean_s", "jct_median_s", "jct_p99_s", "makespan_s",
                        "deadline_satisfaction", "gpu_utilization"}) {
    fmt::print("{:<24}{}\n", k, num(k));
  }
  fmt::print("{:<24}{}\n", "preemptions", s["preemptions"].get<int>());
  fmt::print("{:<24}{:.3f}\n", "wall_s", s["run"]["wall_s"].get<double>());
}

const bool registered = register_command(10, [](CLI::App& root) {
  auto opt = std::make_shared<RunOptions>();
  auto* cmd = root.add_subcommand("run", "Replay a training trace on a cluster under a policy");
  cmd->add_option("--config", opt->config, "run.json with the same keys as these options");
  cmd->add_option("--cluster", opt->run.cluster, "cluster spec (JSON or the 5-column CSV)");
  cmd->add_option("--trace", opt->run.trace, "job trace (CSV)");
  cmd->add_option("--trace-format", opt->run.trace_format,
                  "auto|clustersim|elasticflow|tiresias|muri")
      ->default_val("auto");
  cmd->add_option("--throughputs", opt->run.throughputs,
                  "throughput table: clustersim CSV or a folder of ElasticFlow per-model CSVs "
                  "or a fitted-parameter FILE.json from `clustersim profile fit` (default: the "
                  "trace's durations)");
  cmd->add_option("--policy", opt->run.policy, "policy name (see `clustersim list`)");
  cmd->add_option("--set", opt->sets, "parameter key=value (repeatable)");
  cmd->add_option("--seed", opt->run.seed, "random seed")->default_val(1);
  cmd->add_option("--out", opt->run.out, "output folder for summary.json, jobs.csv, cluster.csv");
  cmd->add_flag("-q,--quiet", opt->quiet, "do not print the metrics table");
  cmd->callback([opt, cmd] {
    RunConfig cfg = opt->run;
    if (!opt->config.empty()) {
      cfg = RunConfig::from_json_file(opt->config);
      // Options given on the command line override the file.
      if (cmd->count("--cluster")) cfg.cluster = opt->run.cluster;
      if (cmd->count("--trace")) cfg.trace = opt->run.trace;
      if (cmd->count("--trace-format")) cfg.trace_format = opt->run.trace_format;
      if (cmd->count("--throughputs")) cfg.throughputs = opt->run.throughputs;
      if (cmd->count("--policy")) cfg.policy = opt->run.policy;
      if (cmd->count("--seed")) cfg.seed = opt->run.seed;
      if (cmd->count("--out")) cfg.out = opt->run.out;
    }
    for (const auto& s : opt->sets)
      cfg.params.set_from_string(s);
    if (cfg.policy.empty()) throw InputError("no policy given (--policy)");
    if (cfg.out.empty()) throw InputError("no output folder given (--out)");
    Progress progress("run " + cfg.policy);
    auto rep = execute_run(cfg, [&](std::size_t done, std::size_t total, SimTime now) {
      progress.update(done, total, fmt::format("t={:.0f}s", to_seconds(now)));
    });
    write_run(cfg, rep);
    if (!opt->quiet) print_table(rep.summary);
  });
});

}  // namespace
}  // namespace clustersim::cli
