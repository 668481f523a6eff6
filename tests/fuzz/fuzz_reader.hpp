// Input readers as fuzz targets (issue 15). Each file in tests/fuzz/targets/ registers one reader:
// the name of the file the bytes are written to (its extension matters to some readers; a
// folder part such as "ef/resnet50.csv" gives readers of folders their folder) and what to call
// on it:
//
//   CLUSTERSIM_FUZZ_READER(trace_muri, "trace.csv") { read_trace(path, "muri"); }
//
// The same file builds into the libFuzzer target `fuzz_trace_muri` (CMake option
// CLUSTERSIM_FUZZ, clang; tests/fuzz/CMakeLists.txt) and into the default test suite, which
// feeds it the seeds (tests/fuzz/seeds/<name>/) and every regression input
// (tests/fuzz/regressions/<name>/). The contract under test: bad bytes make the reader throw
// InputError; any other exception, a sanitizer report or a hang is a bug.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace clustersim::fuzz {

struct Reader {
  std::string name;       ///< target name: fuzz_<name>, dict/<name>.dict, seeds/<name>/
  std::string file_name;  ///< relative path the bytes are written to
  std::function<void(const std::string& path)> read;
};

std::vector<Reader>& readers();
bool add_reader(Reader reader);
const Reader* find_reader(const std::string& name);

/// Writes `bytes` to the reader's file in a private scratch folder and runs the reader. Returns
/// true if it accepted the input, false if it threw InputError; anything else propagates.
bool feed(const Reader& reader, std::string_view bytes);

}  // namespace clustersim::fuzz

#define CLUSTERSIM_FUZZ_READER(NAME, FILE_NAME)                                        \
  static void clustersim_fuzz_read_##NAME(const std::string& path);                    \
  [[maybe_unused]] static const bool clustersim_fuzz_registered_##NAME =               \
      ::clustersim::fuzz::add_reader({#NAME, FILE_NAME, clustersim_fuzz_read_##NAME}); \
  static void clustersim_fuzz_read_##NAME([[maybe_unused]] const std::string& path)
