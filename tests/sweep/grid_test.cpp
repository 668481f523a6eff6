// Grid files of `clustersim sweep`, expanded in process: axes, zips, ranges, exclusions, ids under
// reordering, bad grids with file:line, declared parameters, the shipped grids.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "clustersim/sweep/grid.hpp"
#include "test_support.hpp"

using namespace clustersim;
using namespace clustersim::test;
namespace fs = std::filesystem;

namespace {

// 3 policies x 4 slot lengths = 12 points; the exclusion drops fifo with slots (3 points).
const char* kGrid = R"({
  "base": {"cluster": "c.json", "trace": "t.csv", "set": {"placement": "count"}},
  "labels": {"figure": "x", "name": null},
  "axes": [
    {"policy": ["fifo", "srtf", "dlas"], "name": ["FIFO", "SRTF", "LAS"]},
    {"engine.slot_s": {"range": [0, 0.3, 0.1]}}
  ],
  "exclude": {"fifo-without-slots": {"policy": "fifo", "engine.slot_s": [0.1, 0.2, 0.3]}}
}
)";

// The same grid with every object's keys and the two axes in another order.
const char* kGridReordered = R"({
  "exclude": {"fifo-without-slots": {"engine.slot_s": [0.1, 0.2, 0.3], "policy": "fifo"}},
  "axes": [
    {"engine.slot_s": {"range": [0, 0.3, 0.1]}},
    {"name": ["FIFO", "SRTF", "LAS"], "policy": ["fifo", "srtf", "dlas"]}
  ],
  "labels": {"name": null, "figure": "x"},
  "base": {"set": {"placement": "count"}, "trace": "t.csv", "cluster": "c.json"}
}
)";

std::map<std::string, std::string> dirs_by_values(const sweep::Manifest& m) {
  std::map<std::string, std::string> out;  // "column=value;..." (sorted by column) -> folder
  for (const auto& p : m.points) {
    std::map<std::string, std::string> values;
    for (std::size_t c = 0; c < m.columns.size(); ++c)
      values[m.columns[c]] = p.values[c];
    std::string key;
    for (const auto& [k, v] : values)
      key += k + "=" + v + ";";
    out[key] = p.dir;
  }
  return out;
}

std::string error_of_grid(const std::string& text, const sweep::GridOptions& opt = {}) {
  return error_of([&] { sweep::expand_grid_text("/g/grid.json", text, opt); });
}

}  // namespace

TEST_CASE("a grid expands to the product of its axes, zipped keys together, minus exclusions",
          "[sweep]") {
  const auto m = sweep::expand_grid_text("/g/grid.json", kGrid);
  CHECK(m.columns == std::vector<std::string>{"figure", "name", "policy", "engine.slot_s"});
  // First axis slowest: fifo/0, then srtf and dlas over 0, 0.1, 0.2, 0.3.
  std::vector<std::string> order;
  for (const auto& p : m.points)
    order.push_back(p.values[2] + "/" + p.values[3]);
  CHECK(order == std::vector<std::string>{"fifo/0", "srtf/0", "srtf/0.1", "srtf/0.2", "srtf/0.3",
                                          "dlas/0", "dlas/0.1", "dlas/0.2", "dlas/0.3"});
  const auto& p = m.points[3];  // srtf, 0.2
  CHECK(p.values == std::vector<std::string>{"x", "SRTF", "srtf", "0.2"});
  CHECK(p.config["policy"] == "srtf");
  CHECK(p.config["set"]["engine.slot_s"] == 0.2);
  CHECK(p.config["set"]["placement"] == "count");
  CHECK(p.config["cluster"] == "/g/c.json");  // relative to the grid file
  CHECK(p.config["out"] == ".");
  CHECK(!p.config.contains("name"));  // labels are columns, not run options
  REQUIRE(m.notes.size() == 1);
  CHECK(m.notes[0] == "exclusion 'fifo-without-slots' removed 3 points");
  std::set<std::string> ids;
  for (const auto& q : m.points)
    ids.insert(q.id);
  CHECK(ids.size() == m.points.size());
}

TEST_CASE("run ids and folders do not depend on the order of keys and axes", "[sweep]") {
  const auto a = sweep::expand_grid_text("/g/grid.json", kGrid);
  const auto b = sweep::expand_grid_text("/g/grid.json", kGridReordered);
  CHECK(a.points.size() == 9);
  CHECK(dirs_by_values(a) == dirs_by_values(b));

  // Adding a value to an axis keeps every existing point's folder: only the new points run.
  std::string more = kGrid;
  more.replace(more.find("\"dlas\"]"), 7, "\"dlas\", \"sjf\"]");
  more.replace(more.find("\"LAS\"]"), 6, "\"LAS\", \"SJF\"]");
  const auto c = sweep::expand_grid_text("/g/grid.json", more);
  CHECK(c.points.size() == 13);
  auto old_dirs = dirs_by_values(a), new_dirs = dirs_by_values(c);
  for (const auto& [values, dir] : old_dirs)
    CHECK(new_dirs[values] == dir);
}

TEST_CASE("grid values: ranges, format and names, null unsets, vars, replications", "[sweep]") {
  const auto m = sweep::expand_grid_text("/g/sub/grid.json", R"({
  "vars": {"data": "${grid_dir}/../data", "n": "8"},
  "base": {"cluster": "${data}/n${n}.json", "trace": "t.csv", "policy": "fifo",
           "set": {"tiresias.queue_limits": [3250, 7200]}},
  "axes": [
    {"trace": {"values": ["a", "b"], "format": "${data}/traces/{}.csv"}},
    {"tiresias.queue_limits": {"names": ["default", "short"], "values": [null, "300,1000"]}},
    {"seed": {"range": [7, 9, 2]}}
  ],
  "replications": 2
})",
                                         {{{"n", "4"}}, {}, {}});
  REQUIRE(m.points.size() == 2 * 2 * 2 * 2);
  CHECK(m.columns == std::vector<std::string>{"trace", "tiresias.queue_limits", "seed", "run"});
  const auto& first = m.points[0];
  CHECK(first.values == std::vector<std::string>{"a", "default", "7", "0"});
  CHECK(first.config["cluster"] == "/g/data/n4.json");  // --var n=4 over the grid's 8
  CHECK(first.config["trace"] == "/g/data/traces/a.csv");
  CHECK(!first.config["set"].contains("tiresias.queue_limits"));  // null: not set
  CHECK(first.config["set"]["run"] == 0);
  const auto& last = m.points.back();
  CHECK(last.values == std::vector<std::string>{"b", "short", "9", "1"});
  CHECK(last.config["seed"] == 9);
  CHECK(last.config["set"]["tiresias.queue_limits"] == "300,1000");
}

TEST_CASE("a bad grid stops with file:line", "[sweep]") {
  CHECK(error_of_grid("{\n  \"axes\": [\n    {\"policy\": [\"fifo\"], \"name\": [\"a\", \"b\"]}\n  "
                      "],\n  \"labels\": {\"name\": null}\n}\n")
            .find("/g/grid.json:3: zipped keys need lists of one length: 'name' has 2 values, "
                  "'policy' 1") != std::string::npos);
  CHECK(error_of_grid("{\n  \"base\": {},\n  \"axis\": []\n}\n")
            .find("/g/grid.json:3: unknown key 'axis'") != std::string::npos);
  CHECK(error_of_grid("{\n  \"base\": {\n    \"trace\": \"${data}/t.csv\"\n  }\n}\n")
            .find("/g/grid.json:3: unknown variable '${data}'") != std::string::npos);
  CHECK(error_of_grid("{\n  \"axes\": [{\"seed\": {\"range\": [5, 1, 1]}}]\n}\n")
            .find("/g/grid.json:2: the step of a range") != std::string::npos);
  CHECK(error_of_grid("{\n  \"base\": {\"cluster\": \"c\", \"trace\": \"t\"},\n  \"axes\": "
                      "[{\"policy\": [\"a\"]}],\n  \"exclude\": {\n    \"x\": {\"polcy\": "
                      "\"a\"}\n  }\n}\n")
            .find("/g/grid.json:5: exclusion 'x' names 'polcy', which is not a column of the "
                  "grid (columns: policy) (nearest: policy)") != std::string::npos);
  CHECK(error_of_grid("{\n  \"base\": {\n    \"polcy\": \"fifo\"\n  }\n}\n")
            .find("/g/grid.json:3: unknown run option 'polcy'") != std::string::npos);
  CHECK(error_of_grid("{\n  \"axes\": [\n    {\"policy\": [\"fifo\", \"fifo\"]}\n  ],\n"
                      "  \"base\": {\"cluster\": \"c\", \"trace\": \"t\"}\n}\n")
            .find("a value is listed twice") != std::string::npos);
  CHECK(error_of_grid("{\n  \"axes\": [{\"policy\": [\"fifo\"]}],\n  \"base\": {\"cluster\": "
                      "\"c\"}\n}\n")
            .find("a run needs 'trace'") != std::string::npos);
  CHECK(error_of_grid("{\"axes\": [{\"policy\": [\"fifo\"]}]}", {{}, {{"policy", "srtf"}}, {}})
            .find("--only policy=srtf: no point has that value (values: fifo)") !=
        std::string::npos);
  CHECK(error_of_grid("{\"base\": {\"policy\": \"fifo\"}}", {{{"data", "/x"}}, {}, {}})
            .find("--var data") != std::string::npos);
  CHECK(error_of_grid("{\n  \"axes\": [{\"policy\": [\"fifo\"]}], \"x\": 1,\n}\n")
            .find("/g/grid.json:3: invalid JSON") != std::string::npos);
}

TEST_CASE("a grid key that is no declared parameter names the nearest ones", "[sweep]") {
  const std::vector<std::string> declared = {"engine.slot_s", "engine.min_interval_s", "placement",
                                             "run"};
  sweep::GridOptions opt;
  opt.check_param = [&](const std::string&, const std::string& key) -> std::string {
    if (std::find(declared.begin(), declared.end(), key) != declared.end()) return "";
    return "unknown parameter '" + key + "' (nearest: " + sweep::nearest_keys(key, declared, 2)[0] +
           ")";
  };
  const std::string grid =
      "{\n  \"base\": {\"cluster\": \"c\", \"trace\": \"t\", \"policy\": "
      "\"fifo\"},\n  \"axes\": [\n    {\"engine.slot\": [1, 2]}\n  ]\n}\n";
  CHECK(error_of_grid(grid, opt) ==
        "/g/grid.json:4: unknown parameter 'engine.slot' (nearest: engine.slot_s)");
  std::string fixed = grid;
  fixed.replace(fixed.find("engine.slot\""), 12, "engine.slot_s\"");
  CHECK(sweep::expand_grid_text("/g/grid.json", fixed, opt).points.size() == 2);
  CHECK(sweep::nearest_keys("placment", declared, 1) == std::vector<std::string>{"placement"});
}

TEST_CASE("a balancing grid: its inputs, parameters and --set values (a calibration)", "[sweep]") {
  const char* grid = R"({
  "base": {"family": "balancing", "policy": "origin", "trace": "tasks.csv",
           "set": {"service.mean_s": 1, "series.period_s": 2}},
  "axes": [{"migration":     ["sender", "receiver"],
            "migration.max": [100,      null]}]
})";
  sweep::GridOptions opt;
  opt.check_param = sweep::check_declared_param;
  // What `clustersim calibrate mp4` prints, as `sweep run --set`: strings, over the base's value.
  opt.set = {{"service.mean_s", "0.138118"},
             {"cluster.speeds", "1,0.531095"},
             {"transfer.return_results", "true"},
             {"migration.max", "90"}};
  const auto m = sweep::expand_grid_text("/g/grid.json", grid, opt);
  REQUIRE(m.points.size() == 2);
  CHECK(m.columns == std::vector<std::string>{"migration", "migration.max"});
  const auto& c = m.points[0].config;
  CHECK(c["family"] == "balancing");
  CHECK(c["trace"] == "/g/tasks.csv");  // a balancing input file, resolved against the grid
  CHECK(c["set"]["service.mean_s"] == "0.138118");
  CHECK(c["set"]["cluster.speeds"] == "1,0.531095");
  CHECK(c["set"]["series.period_s"] == 2);
  CHECK(c["set"]["migration.max"] == 100);                      // the axis overrides --set
  CHECK(!m.points[1].config["set"].contains("migration.max"));  // null unsets it
  // --set does not change ids: a new fit reruns the same folders (their run.json changed).
  CHECK(m.points[0].dir == sweep::expand_grid_text("/g/grid.json", grid, {}).points[0].dir);
  opt.set = {{"service.mean", "2"}};
  const auto error = error_of_grid(grid, opt);
  CHECK(error.find("--set service.mean=2: unknown parameter") != std::string::npos);
  CHECK(error.find("service.mean_s") != std::string::npos);
}

TEST_CASE("every shipped grid expands, its keys declared", "[sweep]") {
  // scripts/grids/*.json: the figure scripts' grids and the README's example. Their data need not
  // be present: expansion reads no input file. Counts by hand from each grid's axes.
  const std::map<std::string, std::size_t> points = {
      {"demo.json", 5},
      {"example.json", 27},            // (3 x 4 - 3) x 3
      {"muri_fig9_10.json", 56},       // 8 traces x 7 policies
      {"muri_fig11.json", 12},         // 4 x 3
      {"muri_fig12.json", 16},         // 4 x (3 group sizes + AntMan)
      {"muri_fig13.json", 16},         // 4 x 4
      {"tiresias.json", 70},           // 2 clusters x (5 + 15 x 2)
      {"elasticflow_fig8a.json", 6},   // 1 trace x 6 policies
      {"elasticflow_fig8b.json", 66},  // 11 traces x 6
      {"elasticflow_fig9.json", 12},   // 3 clusters x 4 ablation steps
      {"elasticflow_fig10.json", 6},   // 1 x 6
      {"elasticflow_fig11.json", 54},  // 9 best-effort shares x 6
      {"clockwork_fig11.json", 50},    // 15 workers x 3 seeds + zero cost at 10..50, seed 1
      {"clockwork_slo.json", 18},      // 3 policies x 6 SLOs
      {"aivle.json", 6},               // 1 node x c = 1, 2, 4, 8; 2 and 3 nodes x 8
      {"mp4.json", 3},                 // sender, receiver, symmetric
      {"evalpro.json", 24}};           // (5 + 7) N on the hosts, the same on VMs
  sweep::GridOptions opt;
  opt.check_param = sweep::check_declared_param;
  std::size_t seen = 0;
  for (const auto& f : fs::directory_iterator(source_dir() + "/scripts/grids")) {
    const std::string name = f.path().filename().string();
    INFO(name);
    REQUIRE(points.count(name) == 1);
    CHECK(sweep::expand_grid(f.path().string(), opt).points.size() == points.at(name));
    ++seen;
  }
  CHECK(seen == points.size());
}
