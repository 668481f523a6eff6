// CLI subcommands register themselves: each src/cli/cmd_*.cpp adds a setup function that
// creates its subcommand on the root CLI::App. Exit codes: 0 ok, 2 bad input or usage,
// 1 internal error.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace clustersim::cli {

using CommandSetup = std::function<void(CLI::App& root)>;
std::vector<std::pair<int, CommandSetup>>& commands();
/// `order` fixes the order in --help.
inline bool register_command(int order, CommandSetup setup) {
  commands().emplace_back(order, std::move(setup));
  return true;
}

/// Throttled progress line on stderr (one line, updated in place), shown only when stderr is a
/// terminal, the work has taken more than two seconds and `quiet` is false: items done / total,
/// the caller's text (e.g. simulated time), events per second and elapsed time.
class Progress {
 public:
  explicit Progress(std::string label, bool quiet = false);
  ~Progress();
  void update(std::size_t done, std::size_t total, const std::string& extra = "",
              std::uint64_t events = 0);
  /// Ends the line (if one was shown).
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool shown_ = false;
  double start_;
  double last_ = 0;
};

}  // namespace clustersim::cli
