// `clustersim calibrate aivle|mp4 --data DIR`: fits the balancing models of the aiVLE and MP4
// reproductions from the artifacts' data (include/clustersim/balancing/aivle.hpp, mp4.hpp) and
// prints one `key=value` per line, ready for `--set` (with --json: an object).
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "clustersim/balancing/aivle.hpp"
#include "clustersim/balancing/mp4.hpp"
#include "command.hpp"

namespace clustersim::cli {
namespace {

struct CalibrateOptions {
  std::string data;
  std::string migration;
  bool json = false;
};

void print(const std::vector<std::string>& settings, const nlohmann::json& extra, bool json) {
  if (!json) {
    for (const auto& s : settings)
      fmt::print("{}\n", s);
    return;
  }
  nlohmann::json out = extra;
  for (const auto& s : settings)
    out["set"][s.substr(0, s.find('='))] = s.substr(s.find('=') + 1);
  fmt::print("{}\n", out.dump(2));
}

const bool registered = register_command(40, [](CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "calibrate", "Fit the balancing reproductions' models from the artifacts' data");
  cmd->require_subcommand(1);
  auto aivle = std::make_shared<CalibrateOptions>();
  auto* a = cmd->add_subcommand(
      "aivle",
      "aiVLE: master costs, worker overhead, run time and contention table from the "
      "single-node web logs");
  a->add_option("--data", aivle->data, "the aiVLE anchor folder (with web/debug.log.N)")
      ->required();
  a->add_flag("--json", aivle->json, "one JSON object");
  a->callback([aivle] {
    const auto fit = balancing::fit_aivle(aivle->data + "/web");
    // The six indexed runs as measured (research note 1.3), for the comparison tables.
    nlohmann::json measured = nlohmann::json::array();
    for (const auto& [log, nodes, slots] :
         {std::tuple{10, 1, 1}, {9, 1, 2}, {8, 1, 4}, {7, 1, 8}, {6, 2, 8}, {5, 3, 8}}) {
      const auto l =
          balancing::read_aivle_web_log(fmt::format("{}/web/debug.log.{}", aivle->data, log));
      std::map<std::string, int> split;
      for (const auto& j : l.jobs)
        ++split[j.node];
      nlohmann::json counts = nlohmann::json::array();
      for (const auto& [node, n] : split)
        counts.push_back(n);
      measured.push_back({{"web_log", log},
                          {"nodes", nodes},
                          {"concurrency", slots},
                          {"makespan_s", balancing::aivle_makespan_s(l)},
                          {"node_tasks", counts}});
    }
    print(fit.settings(), {{"exec_mean_s", fit.exec_mean}, {"measured", measured}}, aivle->json);
  });
  auto mp4 = std::make_shared<CalibrateOptions>();
  auto* m = cmd->add_subcommand(
      "mp4",
      "MP4 Group 09: local service time, transfer cost and remote speed from the report's "
      "pending timelines");
  m->add_option("--data", mp4->data, "the mp4_g09 anchor folder")->required();
  m->add_option("--migration", mp4->migration,
                "sender|receiver|symmetric: add that policy and its thresholds (MAX 100, MIN 50) "
                "to the settings printed (default: only what the three share)")
      ->check(CLI::IsMember({"sender", "receiver", "symmetric"}));
  m->add_flag("--json", mp4->json, "one JSON object");
  m->callback([mp4] {
    const auto t = balancing::read_mp4_timeline(mp4->data + "/pending_jobs_timeline.csv");
    const auto fit = balancing::fit_mp4(t);
    print(fit.settings(mp4->migration),
          {{"local_s", fit.local_s},
           {"transfer_s", fit.transfer_s},
           {"remote_speed", fit.remote_speed}},
          mp4->json);
  });
});

}  // namespace
}  // namespace clustersim::cli
