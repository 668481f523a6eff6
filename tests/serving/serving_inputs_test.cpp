// Readers of the serving family: the model zoo and Azure Functions days (format, errors with
// file:line), and the synthetic day generator against the paper's statistics.
#include <map>
#include <numeric>

#include <catch2/catch.hpp>

#include "clustersim/serving/maf_generator.hpp"
#include "clustersim/serving/maf_trace.hpp"
#include "clustersim/serving/model_zoo.hpp"
#include "test_support.hpp"

namespace clustersim::test {
namespace {

using namespace clustersim::serving;

std::string maf_header() {
  std::string h = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= 1440; ++m)
    h += "," + std::to_string(m);
  return h + "\n";
}

// A row whose minute m (0-based) holds counts[m] (zero elsewhere).
std::string maf_row(const std::string& id, const std::map<int, int>& counts, int minutes = 1440) {
  std::string r = "o" + id + ",a" + id + ",f" + id + ",http";
  for (int m = 0; m < minutes; ++m) {
    auto it = counts.find(m);
    r += "," + std::to_string(it == counts.end() ? 0 : it->second);
  }
  return r + "\n";
}

TEST_CASE("model zoo: the paper's appendix table", "[serving][inputs]") {
  const auto zoo = read_model_zoo(anchor("clockwork/model_zoo_v100.csv"));
  CHECK(zoo.models.size() == 64);
  const int i = zoo.find("resnet50_v2");
  REQUIRE(i >= 0);
  const auto& m = zoo.models[static_cast<std::size_t>(i)];
  // 102.2 MB in 16 MiB pages: ceil(102.2e6 / 16777216) = 7 (Clockwork's check_model: 7 pages).
  CHECK(m.pages == 7);
  CHECK(m.load_us == 8320);  // the table: 8.32 ms
  CHECK(m.exec_us[0] == 2730);
  CHECK(m.exec_us[3] == 9930);
  CHECK(m.exec_us[4] == 17300);
  // se_resnext101_64x4d, 352.5 MB: 22 pages, the largest (research/clockwork.md 1.3).
  CHECK(zoo.models[static_cast<std::size_t>(zoo.find("se_resnext101_64x4d"))].pages == 22);
}

TEST_CASE("model zoo: bad rows stop with file:line", "[serving][inputs][bad_input]") {
  TempDir dir;
  const std::string head =
      "family,model,input_kB,output_kB,weights_MB,weights_transfer_ms,exec_b1_ms,exec_b2_ms,"
      "exec_b4_ms,exec_b8_ms,exec_b16_ms\n";
  const std::string ok = "x,m0,1,1,10,1,1,2,3,4,5\n";
  auto error = [&](const std::string& rows) {
    const std::string path = dir.write("zoo.csv", head + ok + rows);
    return error_of([&] { read_model_zoo(path); });
  };
  CHECK_THAT(error("x,m1,1,1,10,1,1,2,3,,5\n"),
             Catch::Contains("zoo.csv:3: column 'exec_b8_ms': missing value"));
  CHECK_THAT(error("x,m1,1,1,10,1,1,2,3,4\n"), Catch::Contains("zoo.csv:3:"));
  CHECK_THAT(error("x,m1,1,1,10,1,1,-2,3,4,5\n"),
             Catch::Contains("zoo.csv:3: column 'exec_b2_ms': '-2' must be > 0"));
  CHECK_THAT(error("x,m0,1,1,10,1,1,2,3,4,5\n"),
             Catch::Contains("zoo.csv:3: model 'm0' listed twice"));
  CHECK_THAT(error("x,m1,1,1,ten,1,1,2,3,4,5\n"), Catch::Contains("zoo.csv:3:"));
}

TEST_CASE("MAF reader: counts, daily totals and Clockwork's order", "[serving][inputs]") {
  TempDir dir;
  const std::string path = dir.write(
      "d01.csv", maf_header() + maf_row("0", {{0, 3}, {1439, 2}}) + maf_row("1", {{5, 7}}) +
                     maf_row("2", {{0, 1}, {2, 4}}) + maf_row("3", {}));
  const auto t = read_maf_trace(path, 10);
  REQUIRE(t.functions.size() == 4);
  CHECK(t.functions[0].total == 5);
  CHECK(t.functions[0].counts.size() == 10);
  CHECK(t.functions[0].counts[0] == 3);
  CHECK(t.functions[1].counts[5] == 7);
  // Totals 5, 7, 5, 0: largest first, and of the two 5s the later row first (azure.h sorts
  // (total, row) ascending and reverses).
  CHECK(maf_order_by_total(t) == std::vector<std::size_t>{1, 2, 0, 3});
  // A whole day writes back byte for byte.
  const auto full = read_maf_trace(path);
  CHECK(maf_csv(full) == slurp(path));
}

TEST_CASE("MAF reader: bad rows stop with file:line", "[serving][inputs][bad_input]") {
  TempDir dir;
  auto error = [&](const std::string& text) {
    const std::string path = dir.write("d.csv", text);
    return error_of([&] { read_maf_trace(path, 10); });
  };
  const std::string good = maf_row("0", {{0, 1}});
  // A row with `cell` in minute `minute` (1-based) and zeros elsewhere.
  auto row_with = [](int minute, const std::string& cell) {
    std::string r = "o1,a1,f1,http";
    for (int m = 1; m <= 1440; ++m)
      r += "," + (m == minute ? cell : std::string("0"));
    return r + "\n";
  };
  CHECK_THAT(error(maf_header() + good + maf_row("1", {}, 1439)),
             Catch::Contains("d.csv:3: 1443 columns; a MAF row has 1444"));
  CHECK_THAT(error(maf_header() + good + row_with(5, "-3")),
             Catch::Contains("d.csv:3: minute 5: '-3' is not an invocation count"));
  CHECK_THAT(error(maf_header() + row_with(1, "x")), Catch::Contains("d.csv:2: minute 1: 'x'"));
  CHECK_THAT(error(maf_header() + row_with(9, "4294967296")), Catch::Contains("d.csv:2: minute 9"));
  CHECK_THAT(error("HashOwner,HashApp\n"), Catch::Contains("d.csv:1: header has 2 columns"));
  CHECK_THAT(error(maf_header()), Catch::Contains("d.csv:2: no function rows"));
}

TEST_CASE("MAF generator: seeded, prefix-stable, and near the paper's statistics",
          "[serving][inputs][generator]") {
  MafGeneratorSettings s;
  s.functions = 4000;
  s.mean_rps = 1000;
  s.seed = 7;
  const auto day = generate_maf_day(s);
  SECTION("same settings, same day; the first minutes do not depend on how many are kept") {
    const auto again = generate_maf_day(s);
    CHECK(maf_csv(day) == maf_csv(again));
    const auto head = generate_maf_day(s, 10);
    REQUIRE(head.functions.size() == day.functions.size());
    for (std::size_t f = 0; f < day.functions.size(); ++f) {
      CHECK(head.functions[f].total == day.functions[f].total);
      CHECK(std::equal(head.functions[f].counts.begin(), head.functions[f].counts.end(),
                       day.functions[f].counts.begin()));
    }
  }
  SECTION("shape") {
    CHECK(day.functions.size() == 4000);
    std::map<std::string, std::uint64_t> apps;
    std::map<std::string, int> sizes;
    std::uint64_t total = 0;
    for (const auto& f : day.functions) {
      apps[f.app] += f.total;
      ++sizes[f.app];
      total += f.total;
    }
    // The mean rate is the target up to Poisson noise (the day's expectation is exact).
    CHECK(static_cast<double>(total) / 86400.0 == Approx(1000).epsilon(0.05));
    double hourly = 0, minutely = 0, single = 0;
    for (const auto& [a, n] : apps) {
      hourly += n <= 24;
      minutely += n <= 1440;
    }
    for (const auto& [a, n] : sizes)
      single += n == 1;
    const double A = static_cast<double>(apps.size());
    // Paper: 45 % of apps at most hourly, 81 % at most once a minute, 54 % single-function.
    CHECK(hourly / A == Approx(0.45).margin(0.03));
    CHECK(minutely / A == Approx(0.81).margin(0.03));
    CHECK(single / A == Approx(0.54).margin(0.03));
  }
}

}  // namespace
}  // namespace clustersim::test
