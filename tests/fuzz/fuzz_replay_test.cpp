// The fuzz targets' inputs in the default suite (gcc, no libFuzzer): every seed must be accepted
// (the seeds are valid inputs of their reader), and every regression input a fuzzer once
// crashed on must now be refused with InputError or accepted, nothing else.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "fuzz_reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using clustersim::fuzz::readers;

namespace {

const fs::path kFuzz = fs::path(CLUSTERSIM_SOURCE_DIR) / "tests" / "fuzz";

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (fs::is_directory(dir)) {
    for (auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// (target, shipped file) pairs of shipped_seeds.tsv; REQUIREs that every glob matches.
std::vector<std::pair<std::string, fs::path>> shipped_seeds() {
  std::vector<std::pair<std::string, fs::path>> out;
  std::ifstream in(kFuzz / "shipped_seeds.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string target = line.substr(0, tab), glob = line.substr(tab + 1);
    // A glob's '*' matches within one path component, as in the shell.
    std::string pattern;
    for (char c : glob) {
      if (c == '*')
        pattern += "[^/]*";
      else if (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-')
        pattern += c;
      else
        pattern += std::string("\\") + c;
    }
    const std::regex re(pattern);
    const fs::path root = fs::path(CLUSTERSIM_SOURCE_DIR);
    const fs::path top = root / glob.substr(0, glob.find('/'));
    int matched = 0;
    for (auto& e : fs::recursive_directory_iterator(top)) {
      if (!e.is_regular_file() ||
          !std::regex_match(fs::relative(e.path(), root).generic_string(), re))
        continue;
      out.emplace_back(target, e.path());
      ++matched;
    }
    INFO("shipped_seeds.tsv: " << glob << " matches no file");
    CHECK(matched > 0);
  }
  return out;
}

}  // namespace

TEST_CASE("every fuzz target has a dictionary and seeds its reader accepts", "[fuzz]") {
  REQUIRE(readers().size() >= 15);
  std::set<std::string> with_shipped;
  for (const auto& [target, path] : shipped_seeds()) {
    const auto* r = clustersim::fuzz::find_reader(target);
    INFO("shipped_seeds.tsv names an unknown target " << target);
    REQUIRE(r != nullptr);
    INFO("shipped seed " << path);
    CHECK(clustersim::fuzz::feed(*r, bytes_of(path)));
    with_shipped.insert(target);
  }
  for (const auto& r : readers()) {
    INFO("target " << r.name);
    CHECK(fs::is_regular_file(kFuzz / "dict" / (r.name + ".dict")));
    const auto seeds = files_in(kFuzz / "seeds" / r.name);
    CHECK((!seeds.empty() || with_shipped.count(r.name)));
    for (const auto& s : seeds) {
      INFO("seed " << s);
      CHECK(clustersim::fuzz::feed(r, bytes_of(s)));
    }
  }
}

TEST_CASE("inputs the fuzzers found are refused with InputError or accepted", "[fuzz]") {
  int replayed = 0;
  for (auto& dir : fs::directory_iterator(kFuzz / "regressions")) {
    if (!dir.is_directory()) continue;
    const auto* r = clustersim::fuzz::find_reader(dir.path().filename().string());
    INFO("regressions/" << dir.path().filename().string() << " is not a fuzz target");
    REQUIRE(r != nullptr);
    for (const auto& f : files_in(dir.path())) {
      INFO("regression input " << f);
      CHECK_NOTHROW(clustersim::fuzz::feed(*r, bytes_of(f)));
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}
