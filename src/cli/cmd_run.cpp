#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/pipeline.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

std::string option_name(const std::string& input) {
  std::string o = input;
  std::replace(o.begin(), o.end(), '_', '-');
  return "--" + o;
}

struct RunOptions {
  std::string config;
  RunConfig run;
  std::map<std::string, std::string> inputs;
  std::vector<std::string> sets;
  std::map<std::string, bool> outputs;
  double max_sim_time_s = 0;
  bool quiet = false;
};

void print_value(const std::string& key, const nlohmann::json& v) {
  if (v.is_number_float())
    fmt::print("{:<32}{:.4g}\n", key, v.get<double>());
  else if (v.is_null())
    fmt::print("{:<32}-\n", key);
  else if (v.is_primitive())
    fmt::print("{:<32}{}\n", key, v.is_string() ? v.get<std::string>() : v.dump());
}

// Every top-level metric, in key order, then the wall time.
void print_table(const nlohmann::json& s) {
  fmt::print("{:<32}{} ({})\n", "policy", s["run"]["policy"].get<std::string>(),
             s["run"]["family"].get<std::string>());
  for (const auto& [k, v] : s.items()) {
    if (k != "run") print_value(k, v);
  }
  fmt::print("{:<32}{:.3f}\n", "wall_s", s["run"]["wall_s"].get<double>());
}

// Over 80 lines: the `run` options in --help order, one or two lines each.
const bool registered = register_command(10, [](CLI::App& root) {
  auto opt = std::make_shared<RunOptions>();
  auto* cmd = root.add_subcommand(
      "run", "Replay a workload on a cluster under a policy (one run of one family)");
  cmd->add_option("--config", opt->config, "run.json with the same keys as these options");
  std::string families;
  for (const auto& n : clustersim::families().names())
    families += (families.empty() ? "" : "|") + n;
  cmd->add_option("--family", opt->run.family, families)->default_val("training");
  // Inputs and optional outputs of every family; the chosen family rejects those it does not take.
  std::map<std::string, std::string> helps;
  std::set<std::string> outputs;
  for (const auto* e : clustersim::families().entries()) {
    const auto family = e->factory();
    for (const auto& in : family->inputs()) {
      auto& h = helps[in.name];
      h += (h.empty() ? "" : "; ") + e->name + ": " + in.help;
    }
    for (const auto& o : family->optional_outputs())
      outputs.insert(o);
  }
  for (const auto& [name, help] : helps)
    cmd->add_option(option_name(name), opt->inputs[name], help);
  for (const auto& o : outputs) {
    const std::string flag =
        option_name(o.substr(0, o.rfind('.')) + "-" + o.substr(o.rfind('.') + 1));
    cmd->add_flag(flag, opt->outputs[o], "also write " + o + " (streamed)");
  }
  cmd->add_option("--policy", opt->run.policy, "policy name (see `clustersim list`)");
  cmd->add_option("--set", opt->sets,
                  "parameter key=value (repeatable; `clustersim list --params`)");
  cmd->add_option("--seed", opt->run.seed, "random seed")->default_val(1);
  cmd->add_option("--out", opt->run.out, "output folder (summary.json and the family's CSVs)");
  auto limits = std::make_shared<RunLimits>();
  cmd->add_option("--max-events", limits->max_events,
                  "stop with an error after this many events (0 = no limit)");
  cmd->add_option("--max-sim-time", opt->max_sim_time_s,
                  "stop with an error when simulated time passes this many seconds (0 = no limit)")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            const auto x = parse_double(v);
            return x && *x >= 0 ? "" : "'" + v + "' is not a number of seconds >= 0";
          },
          "SECONDS>=0"));
  cmd->add_option("--stall-events", limits->stall_events,
                  "stop with an error when this many events in a row run without simulated "
                  "time advancing (0 = no check)")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", opt->quiet, "no metrics table, no progress line");
  cmd->callback([opt, cmd, limits] {
    RunConfig cfg = opt->run;
    if (!opt->config.empty()) {
      cfg = RunConfig::from_json_file(opt->config);
      // Options given on the command line override the file.
      if (cmd->count("--family")) cfg.family = opt->run.family;
      if (cmd->count("--policy")) cfg.policy = opt->run.policy;
      if (cmd->count("--seed")) cfg.seed = opt->run.seed;
      if (cmd->count("--out")) cfg.out = opt->run.out;
    }
    for (const auto& [name, value] : opt->inputs) {
      if (cmd->count(option_name(name))) cfg.inputs[name] = value;
    }
    for (const auto& [name, on] : opt->outputs) {
      if (on) cfg.outputs.push_back(name);
    }
    for (const auto& s : opt->sets)
      cfg.params.set_from_string(s);
    if (cfg.out.empty()) throw InputError("no output folder given (--out)");
    RunLimits lim = *limits;
    if (opt->max_sim_time_s > 0) {
      if (opt->max_sim_time_s > kMaxInputSeconds) throw InputError("--max-sim-time is too large");
      lim.max_sim_time = from_seconds(opt->max_sim_time_s);
    }
    Progress progress("run " + cfg.policy, opt->quiet);
    RunOutput out(cfg.out);
    run_pipeline(cfg, out, lim,
                 [&](std::size_t done, std::size_t total, SimTime now, std::uint64_t events) {
                   progress.update(done, total, fmt::format("t={:.0f}s", to_seconds(now)), events);
                 });
    progress.finish();
    if (!opt->quiet) print_table(out.summary);
  });
});

}  // namespace
}  // namespace clustersim::cli
