// The bad-input catalogue (tests/bad_inputs/catalogue.tsv) through the real CLI. A refused input
// must exit 2 with one line `clustersim: file:line: what is wrong` (or the option's message),
// write nothing to --out and leave an earlier output there byte-identical; an accepted oddity
// (BOM, CRLF, blank lines, padding) must give the same result as the clean file.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using namespace clustersim::test;
namespace fs = std::filesystem;

namespace {

const fs::path kIn = fs::path(CLUSTERSIM_SOURCE_DIR) / "tests" / "bad_inputs";

struct Case {
  std::string name;
  int exit_code;
  std::string expect;
  std::string args;
};

std::vector<Case> catalogue() {
  std::vector<Case> out;
  std::ifstream in(kIn / "catalogue.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    INFO("catalogue.tsv: " << line);
    REQUIRE(cols.size() == 4);
    out.push_back({cols[0], std::stoi(cols[1]), cols[2], cols[3]});
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The files of a folder and their bytes ({} when it does not exist).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (auto& e : fs::directory_iterator(dir))
    files[e.path().filename().string()] = slurp(e.path().string());
  return files;
}

// summary.json without the run record (paths, hashes, wall time), plus the per-job or per-task
// files there are (training: jobs.csv; balancing: nodes.csv and, with --tasks-csv, tasks.csv;
// serving: series.csv).
std::string result_of(const fs::path& out) {
  auto summary = nlohmann::json::parse(slurp((out / "summary.json").string()));
  summary.erase("run");
  std::string result = summary.dump(1);
  int files = 0;
  for (const char* name : {"jobs.csv", "nodes.csv", "tasks.csv", "series.csv"}) {
    if (!fs::exists(out / name)) continue;
    result += std::string("\n") + name + "\n" + slurp((out / name).string());
    ++files;
  }
  CHECK(files > 0);
  return result;
}

class Catalogue {
 public:
  Catalogue() : unreadable_(dir_.write("unreadable.csv", slurp((kIn / "clean.csv").string()))) {
    fs::permissions(unreadable_, fs::perms::none);
    // Root reads a mode-000 file anyway; run that case as nobody when setpriv is there.
    if (::geteuid() == 0 && fs::exists("/usr/bin/setpriv"))
      as_nobody_ = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  ~Catalogue() { fs::permissions(unreadable_, fs::perms::owner_all); }

  std::string expand(const std::string& text, const fs::path& out, bool quote) const {
    auto q = [&](const std::string& p) { return quote ? "'" + p + "'" : p; };
    std::string s = replace_all(text, "{in}", q(kIn.string()));
    s = replace_all(s, "{out}", q(out.string()));
    return replace_all(s, "{unreadable}", q(unreadable_));
  }
  /// Runs a case into `out`; nullopt when it cannot run here (unreadable file as root).
  std::optional<CommandResult> run(const Case& c, const fs::path& out) const {
    std::string prefix;
    if (c.args.find("{unreadable}") != std::string::npos && ::geteuid() == 0) {
      if (as_nobody_.empty()) return std::nullopt;
      prefix = as_nobody_;
    }
    return run_cli(expand(c.args, out, true), prefix);
  }
  fs::path folder(const std::string& name) const { return dir_.path() / name; }

 private:
  TempDir dir_;
  std::string unreadable_;
  std::string as_nobody_;
};

// The one line a refused case must print: "clustersim: " + a message that contains `expect`
// with at most a folder path before it (so `file:line:` or the option starts the message).
void check_message(const Case& c, const std::string& output, const std::string& expect) {
  INFO("case " << c.name << "\n" << output);
  REQUIRE(output.size() > 1);
  CHECK(output.find('\n') == output.size() - 1);
  CHECK(output.rfind("clustersim: ", 0) == 0);
  const std::string message = output.substr(12, output.size() - 13);
  const auto at = message.find(expect);
  REQUIRE(at != std::string::npos);
  const std::string before = message.substr(0, at);
  CHECK((before.empty() || (before.back() == '/' && before.find(' ') == std::string::npos)));
}

}  // namespace

TEST_CASE("the catalogue covers the issue's list", "[cli][bad_input][catalogue]") {
  const auto cases = catalogue();
  int refused = 0;
  for (const auto& c : cases)
    refused += c.exit_code == 2;
  CHECK(refused >= 30);
  for (const auto& c : cases) {
    INFO("case " << c.name);
    CHECK((c.exit_code == 0 || c.exit_code == 2));
    if (c.exit_code == 0) CHECK((c.expect == "-" || c.expect.rfind("same:", 0) == 0));
  }
}

TEST_CASE("catalogue: accepted oddities give the clean file's result",
          "[cli][bad_input][catalogue]") {
  Catalogue cat;
  std::map<std::string, std::string> results;
  for (const auto& c : catalogue()) {
    if (c.exit_code != 0) continue;
    const fs::path out = cat.folder(c.name);
    const auto r = cat.run(c, out);
    REQUIRE(r);
    INFO("case " << c.name << "\n" << r->output);
    REQUIRE(r->exit_code == 0);
    CHECK(r->output.empty());  // -q
    results[c.name] = result_of(out);
    if (c.expect != "-") {
      const std::string same = c.expect.substr(5);
      REQUIRE(results.count(same));
      CHECK(results[c.name] == results[same]);
    }
  }
  CHECK(results.size() >= 7);
}

TEST_CASE("catalogue: refused inputs exit 2 with one line and write nothing",
          "[cli][bad_input][catalogue]") {
  Catalogue cat;
  // An earlier complete output that every refused run must leave as it was.
  const Case clean = catalogue().front();
  REQUIRE(clean.name == "clean");
  const fs::path earlier = cat.folder("earlier");
  REQUIRE(cat.run(clean, earlier)->exit_code == 0);
  const auto before = snapshot(earlier);
  REQUIRE(before.count("summary.json"));

  int skipped = 0;
  for (const auto& c : catalogue()) {
    if (c.exit_code != 2) continue;
    const std::string expect = cat.expand(c.expect, "", false);
    // A fresh folder is not even created.
    const fs::path fresh = cat.folder(c.name);
    const auto r = cat.run(c, fresh);
    if (!r) {
      WARN("case " << c.name << " skipped: running as root without setpriv reads any file");
      ++skipped;
      continue;
    }
    INFO("case " << c.name << "\n" << r->output);
    CHECK(r->exit_code == 2);
    check_message(c, r->output, expect);
    CHECK_FALSE(fs::exists(fresh));
    // A folder with an earlier output keeps it byte for byte, with nothing added.
    const auto r2 = cat.run(c, earlier);
    CHECK(r2->exit_code == 2);
    CHECK(r2->output == r->output);
    CHECK(snapshot(earlier) == before);
  }
  CHECK(skipped <= 1);
}
