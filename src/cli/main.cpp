#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/version.hpp"
#include "command.hpp"

namespace clustersim::cli {

std::vector<std::pair<int, CommandSetup>>& commands() {
  static std::vector<std::pair<int, CommandSetup>> list;
  return list;
}

namespace {
double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(std::string label, bool quiet)
    : label_(std::move(label)),
      enabled_(!quiet && ::isatty(STDERR_FILENO) == 1),
      start_(wall_now()) {}

Progress::~Progress() {
  finish();
}

void Progress::finish() {
  if (shown_) std::fputs("\n", stderr);
  shown_ = false;
}

void Progress::update(std::size_t done, std::size_t total, const std::string& extra,
                      std::uint64_t events) {
  if (!enabled_) return;
  const double t = wall_now();
  if (t - start_ < 2.0 || t - last_ < 0.2) return;
  last_ = t;
  shown_ = true;
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0;
  const std::string rate =
      events ? fmt::format("  {:.2f}M ev/s", static_cast<double>(events) / (t - start_) / 1e6) : "";
  std::fprintf(stderr, "\r%s: %s  %zu/%zu done (%.1f%%)%s  %.0fs \x1b[K", label_.c_str(),
               extra.c_str(), done, total, pct, rate.c_str(), t - start_);
  std::fflush(stderr);
}

}  // namespace clustersim::cli

int main(int argc, char** argv) {
  using namespace clustersim;
  CLI::App app{"clustersim: trace-driven discrete-event simulator of GPU cluster schedulers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(CLUSTERSIM_VERSION));
  auto& cmds = cli::commands();
  std::stable_sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [order, setup] : cmds)
    setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {  // a command's own exit code (e.g. sweep run)
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // One line, like every other bad-input message.
    std::cerr << "clustersim: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "clustersim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "clustersim: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
