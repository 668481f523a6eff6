// Helpers shared by the tests: where the anchors and the binary are, temporary folders, and
// running the CLI.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "clustersim/core/error.hpp"

namespace clustersim::test {

/// ../shared/anchors (or $CLUSTERSIM_ANCHORS); tests that need it fail loudly when it is absent.
std::string anchors();
/// Path under the anchors folder; REQUIREs that it exists.
std::string anchor(const std::string& relative);
std::string source_dir();
std::string binary();

/// A fresh empty folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to `name` inside the folder and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code;
  std::string output;  ///< stdout and stderr together
};
/// Runs `clustersim <args>` through the shell.
CommandResult run_cli(const std::string& args);
std::string slurp(const std::string& path);

/// The message of the InputError `f` throws ("" if it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace clustersim::test
