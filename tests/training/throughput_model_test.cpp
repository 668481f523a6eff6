// Analytic throughput model: catalogues, fitting, placement sensitivity, shipped tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "clustersim/core/csv.hpp"
#include "clustersim/training/analytic_throughput.hpp"
#include "clustersim/training/throughput_fit.hpp"
#include "test_support.hpp"

using namespace clustersim;
namespace fs = std::filesystem;

namespace {

std::string catalog_dir() {
  return test::source_dir() + "/throughputs/catalog";
}

// Every JSON number must be the "value" of an object with a non-empty "source".
void expect_cited(const nlohmann::json& j, const std::string& where, int& numbers) {
  if (j.is_object()) {
    if (j.contains("value") && j["value"].is_number()) {
      ++numbers;
      INFO(where);
      REQUIRE(j.contains("source"));
      REQUIRE(j["source"].is_string());
      REQUIRE(j["source"].get<std::string>().size() > 10);
    }
    for (auto& [k, v] : j.items()) {
      if (k == "value" && v.is_number()) continue;
      expect_cited(v, where + "/" + k, numbers);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      expect_cited(j[i], where + "/" + std::to_string(i), numbers);
  } else if (j.is_number()) {
    FAIL("bare number without a source at " << where);
  }
}

}  // namespace

TEST_CASE("every catalogue number carries its public source", "[throughput][catalog]") {
  int numbers = 0;
  for (const char* f : {"gpus.json", "models.json"}) {
    const auto j = nlohmann::json::parse(test::slurp(catalog_dir() + "/" + f));
    expect_cited(j, f, numbers);
  }
  // 4 GPUs x 6 numbers + 16 models x 2 numbers + 2 global factors + 5 default parameters.
  CHECK(numbers == 4 * 6 + 16 * 2 + 2 + 5);
  const Catalog c = read_catalog(catalog_dir());
  CHECK(c.gpus.size() == 4);
  for (const char* m : {"resnet50", "vgg16", "inception3", "bert", "gpt2", "deepspeech2",
                        "resnet50_cifar10", "cifar10", "imagenet", "ncf", "yolov3", "vgg19",
                        "resnet18", "shufflenet_v2", "a2c", "dqn"}) {
    CHECK(c.models.count(m) == 1);
  }
  // A100 NVLink 600 GB/s bidirectional -> 300 GB/s per direction = 2400 Gbit/s.
  CHECK(c.gpu("A100").intra_node_gbps == Approx(2400));
}

TEST_CASE("a catalogue number without a source is an input error", "[throughput][catalog]") {
  test::TempDir d;
  auto g = nlohmann::json::parse(test::slurp(catalog_dir() + "/gpus.json"));
  g["gpus"]["T4"]["fp32_tflops"]["source"] = "";
  d.write("gpus.json", g.dump(2));
  d.write("models.json", test::slurp(catalog_dir() + "/models.json"));
  CHECK_THROWS_WITH(read_catalog(d.path().string()),
                    Catch::Contains("gpus.json:") && Catch::Contains("source"));
}

TEST_CASE("fitting recovers the parameters of a table the model generated", "[throughput][fit]") {
  const Catalog c = read_catalog(catalog_dir());
  const GpuSpec& gpu = c.gpu("A100");
  const ModelSpec& m = c.model("resnet50");
  const Cluster cl = reference_cluster(gpu, 64);
  ModelParams truth;
  truth.eff = 0.35;
  truth.batch_half = 6;
  truth.comm_eff = 0.3;
  truth.latency_s = 2e-4;
  truth.overlap = 0.4;
  std::vector<FitCell> cells;
  for (int b : {64, 128, 256}) {
    for (int g = 1; g <= 64; g *= 2) {
      const double bw = consolidated_bottleneck_gbps(cl, g);
      cells.push_back({b, g, 1.0 / iteration_time(gpu, m, truth, b, g, bw), bw});
    }
  }
  const FitResult r = fit_model(gpu, m, cells, c.default_params);
  CHECK(r.free_params == 5);
  CHECK(r.params.eff == Approx(truth.eff).epsilon(0.01));
  CHECK(r.params.batch_half == Approx(truth.batch_half).epsilon(0.01));
  CHECK(r.params.comm_eff == Approx(truth.comm_eff).epsilon(0.01));
  CHECK(r.params.latency_s == Approx(truth.latency_s).epsilon(0.01));
  CHECK(r.params.overlap == Approx(truth.overlap).epsilon(0.01));
}

TEST_CASE("fit to ElasticFlow's measured tables", "[throughput][fit][elasticflow]") {
  const Catalog c = read_catalog(catalog_dir());
  const std::string dir = test::anchor("elasticflow/ElasticFlow/scheduler");
  SECTION("A100 (measured on the authors' testbed)") {
    const ThroughputTable t = read_throughput_table(dir + "/throughputs_A100");
    // Skipped cells, counted by hand in the files: deepspeech2 bs32 @64 is empty; resnet50_cifar10
    // is 0 at 16, 32 and 64 GPUs for its three batch sizes.
    CHECK(t.skipped_cells.at("deepspeech2") == 1);
    CHECK(t.skipped_cells.at("resnet50_cifar10") == 9);
    const TableFit f = fit_throughput_table(t, c, "A100", reference_cluster(c.gpu("A100"), 64));
    // bert, deepspeech2, gpt2, inception3: 2 batch rows; resnet50, resnet50_cifar10, vgg16: 3;
    // 7 GPU columns each, minus the 10 skipped cells.
    CHECK(f.rows.size() == (4 * 2 + 3 * 3) * 7 - 10);
    CHECK(f.models_not_in_catalog.empty());
    CHECK(abs_error_quantile(f.rows, 0.5) <= 0.10);
    CHECK(abs_error_quantile(f.rows, 0.9) <= 0.25);
  }
  SECTION("T4 (parsed from the Pollux traces)") {
    const ThroughputTable t = read_throughput_table(dir + "/throughputs_T4");
    // deepspeech2 bs320 @64 and yolov3 @32, @64 are nan.
    CHECK(t.skipped_cells.at("deepspeech2") == 1);
    CHECK(t.skipped_cells.at("yolov3") == 2);
    const TableFit f = fit_throughput_table(t, c, "T4", reference_cluster(c.gpu("T4"), 64));
    CHECK(f.rows.size() == 9 * 7 - 3);
    CHECK(abs_error_quantile(f.rows, 0.5) <= 0.10);
    CHECK(abs_error_quantile(f.rows, 0.9) <= 0.25);
  }
}

TEST_CASE("an 8-GPU job across two switches is slower than inside one node",
          "[throughput][placement]") {
  const Catalog c = read_catalog(catalog_dir());
  // Two switches with one 8-GPU A100 node each; NVLink 2400 Gbit/s per direction inside a node,
  // 200 Gbit/s NICs, and an oversubscribed 100 Gbit/s switch uplink.
  std::vector<Switch> sw{{0, "s0", 100}, {1, "s1", 100}};
  std::vector<Node> nodes;
  for (int i = 0; i < 2; ++i) {
    Node n;
    n.id = i;
    n.name = "n" + std::to_string(i);
    n.gpu_type = "A100";
    n.gpus = 8;
    n.cpus = 8;
    n.mem_gb = 64;
    n.switch_id = i;
    n.nic_gbps = 200;
    n.intra_node_gbps = 2400;
    nodes.push_back(n);
  }
  const Cluster cl("two-switch", sw, nodes);
  ModelParams p;
  p.eff = 0.3;
  p.batch_half = 4;
  p.comm_eff = 0.5;
  p.latency_s = 1e-4;
  p.overlap = 0;
  auto tp = make_analytic_throughput(c, "A100", {{"resnet50", p}}, cl, "test");
  Job j;
  j.model = "resnet50";
  j.batch_size = 256;
  j.iterations = 1000;
  const double inside = tp->rate(j, 8, {{0, 8}});
  const double across = tp->rate(j, 8, {{0, 4}, {1, 4}});
  // By hand, resnet50 from the catalogue: W = 3 x 4.09 GFLOP, G = 25,557,032 x 4 B; A100 FP32
  // peak F = 19.5 TFLOP/s; per-GPU batch 256/8 = 32.
  //   compute t_c = W (32 + 4) / (F 0.3) = 12.27e9 * 36 / 5.85e12          = 0.0755077 s
  //   ring volume 2 (8-1)/8 * G * 8 bit = 1.75 * 817,825,024 bit
  //   inside: BW = 2400 -> 1.75 * 817.825e6 / (0.5 * 2400e9) + 14 * 1e-4 = 0.0025927 s
  //   across: BW = min(NIC 200, uplink 100) = 100
  //           -> 1.75 * 817.825e6 / (0.5 * 100e9) + 14 * 1e-4           = 0.0300239 s
  //   t_inside = 0.0781004 s, t_across = 0.1055316 s, ratio = 1.35123
  CHECK(1.0 / inside == Approx(0.0781004).epsilon(1e-5));
  CHECK(1.0 / across == Approx(0.1055316).epsilon(1e-5));
  CHECK(inside / across == Approx(1.35123).epsilon(1e-5));
  // Count-only placement assumes the consolidated one: the same as inside one node.
  CHECK(tp->rate(j, 8, {}) == Approx(inside));
}

TEST_CASE("shipped throughput tables equal what the generator produces", "[throughput][shipped]") {
  // The same commands as scripts/regen_throughputs.sh.
  const std::string root = test::source_dir() + "/throughputs";
  const std::string t4_batches = "64,320,384,640,2048,3200,4096,6400,32768";
  const std::vector<std::pair<std::string, std::string>> runs{
      {"analytic", "--gpu A100"},
      {"analytic", "--gpu T4"},
      {"analytic", "--gpu V100"},
      {"analytic", "--gpu H100"},
      {"fitted/A100", "--params " + root + "/fitted/A100/params.json"},
      {"fitted/T4", "--params " + root + "/fitted/T4/params.json --batches " + t4_batches}};
  int compared = 0;
  for (const auto& [sub, args] : runs) {
    test::TempDir out;
    auto r = test::run_cli("profile generate " + args + " --out " + out.path().string());
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    for (const auto& e : fs::directory_iterator(out.path())) {
      const fs::path shipped = fs::path(root) / sub / e.path().filename();
      INFO(shipped.string());
      REQUIRE(fs::exists(shipped));
      CHECK(test::slurp(shipped.string()) == test::slurp(e.path().string()));
      ++compared;
    }
  }
  CHECK(compared == 6 * 2);
}

TEST_CASE("profile fit reads our CSV format, skips and counts unusable cells",
          "[throughput][fit][cli]") {
  test::TempDir d;
  // A smooth 7-cell row plus three unusable cells (0, nan, empty); this checks the file handling.
  std::string csv = "model,batch_size,gpus,iters_per_s\n";
  const double rates[] = {1.8, 3.4, 6.2, 10.4, 15.2, 17.8, 18.8};
  int g = 1;
  for (double r : rates) {
    csv += "resnet50,256," + std::to_string(g) + "," + std::to_string(r) + "\n";
    g *= 2;
  }
  csv += "resnet50,128,1,0\nresnet50,128,2,nan\nresnet50,128,4,\n";
  const std::string table = d.write("t.csv", csv);
  auto r =
      test::run_cli("profile fit --table " + table + " --gpu A100 --out " + d.file("fit/p.json"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("7 cells, 3 skipped"));
  const std::string report = test::slurp(d.file("fit/fit_report.csv"));
  CHECK(report.rfind("model,batch,gpus,measured,predicted,rel_error\n", 0) == 0);
  CHECK(std::count(report.begin(), report.end(), '\n') == 1 + 7);
  const auto j = nlohmann::json::parse(test::slurp(d.file("fit/p.json")));
  CHECK(j["models"]["resnet50"]["fit"]["skipped_cells"] == 3);
  const FittedParams f = read_fitted_params(d.file("fit/p.json"));
  CHECK(f.gpu_type == "A100");
  CHECK(f.models.count("resnet50") == 1);
}

TEST_CASE("run: the throughput source is selectable", "[throughput][run][cli]") {
  test::TempDir d;
  const std::string cluster = d.write(
      "n1g8.csv",
      "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,1,8,64,256\n");
  const std::string trace =
      d.write("t.csv",
              "job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration\n"
              "0,0,1000,resnet50,100000,256,8,100\n");
  auto jct = [&](const std::string& extra) {
    auto r = test::run_cli("run --cluster " + cluster + " --trace " + trace +
                           " --policy fifo -q --out " + d.file("out") + " " + extra);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CsvReader jobs(d.file("out/jobs.csv"));
    REQUIRE(jobs.next());
    return jobs.get_double(jobs.require({"jct_s"}));
  };
  // Catalogue defaults (eff 0.3, batch_half 4, comm_eff 0.5, latency 1e-4 s, overlap 0.3),
  // resnet50 on one 8-GPU A100 node, batch 256: per-GPU batch 32, t_c = 0.0755077 s (see the
  // placement test). Ring over the node's link: 1.75 * 817.825e6 bit / (0.5 * BW) + 14e-4 s.
  //   throughput.links=catalog (default for CSV specs): BW = 2400 Gbit/s -> t_s = 0.0025927 s,
  //     t = 0.0755077 + 0.7 * 0.0025927 = 0.0773226 s -> 1000 iterations = 77.3226 s
  //   throughput.links=cluster: BW = the CSV spec's generic 300 Gbit/s -> t_s = 0.0109413 s,
  //     t = 0.0755077 + 0.7 * 0.0109413 = 0.0831666 s -> 83.1666 s
  CHECK(jct("--set throughput=analytic --set gpu_type=A100") == Approx(77.3226).epsilon(1e-5));
  CHECK(jct("--set throughput=analytic --set gpu_type=A100 --set throughput.links=cluster") ==
        Approx(83.1666).epsilon(1e-5));
  // The fitted file: its A100 resnet50 parameters at 8 GPUs, batch 256.
  const std::string fitted = test::source_dir() + "/throughputs/fitted/A100/params.json";
  const FittedParams f = read_fitted_params(fitted);
  const Catalog c = read_catalog(catalog_dir());
  const double t =
      iteration_time(c.gpu("A100"), c.model("resnet50"), f.models.at("resnet50"), 256, 8, 2400);
  CHECK(jct("--throughputs " + fitted) == Approx(1000 * t).epsilon(1e-5));
  const auto s = nlohmann::json::parse(test::slurp(d.file("out/summary.json")));
  CHECK(s["run"]["throughputs"].get<std::string>().rfind("fitted:", 0) == 0);
  auto bad = test::run_cli("run --cluster " + cluster + " --trace " + trace +
                           " --policy fifo -q --set throughput=analytic --out " + d.file("o2"));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("gpu_type"));
}

TEST_CASE("run: a job spread over two switches takes longer by the bandwidth ratio",
          "[throughput][run][placement]") {
  test::TempDir d;
  const std::string types =
      R"("node_types": {"big": {"gpu_type": "A100", "gpus": 8, "cpus": 8, "mem_gb": 64,
      "nic_gbps": 200, "intra_node_gbps": 2400},
    "half": {"gpu_type": "A100", "gpus": 4, "cpus": 8, "mem_gb": 64, "nic_gbps": 200, "intra_node_gbps": 2400}})";
  const std::string one_node = d.write(
      "one.json",
      "{" + types +
          R"(, "switches": [{"uplink_gbps": 100, "nodes": [{"type": "big", "count": 1}]}]})");
  const std::string two_switches =
      d.write("two.json",
              "{" + types +
                  R"(, "switches": [{"uplink_gbps": 100, "nodes": [{"type": "half", "count": 1}]},
                              {"uplink_gbps": 100, "nodes": [{"type": "half", "count": 1}]}]})");
  const std::string trace =
      d.write("t.csv",
              "job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration\n"
              "0,0,1000,resnet50,100000,256,8,100\n");
  auto jct = [&](const std::string& cluster, const std::string& placement) {
    auto r = test::run_cli(
        "run --cluster " + cluster + " --trace " + trace + " --policy fifo -q --out " +
        d.file("out") +
        " --set throughput=analytic --set gpu_type=A100 --set placement=" + placement);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CsvReader jobs(d.file("out/jobs.csv"));
    REQUIRE(jobs.next());
    return jobs.get_double(jobs.require({"jct_s"}));
  };
  // Catalogue defaults (overlap 0.3), resnet50, batch 256 on 8 GPUs; t_c = 0.0755077 s.
  //   one node, BW 2400: t_s = 0.0025927 s, t = t_c + 0.7 t_s = 0.0773226 s -> 77.3226 s
  //   two switches, BW = min(NIC 200, uplink 100) = 100: t_s = 1.75 * 817.825e6 / 50e9 + 14e-4
  //   = 0.0300239 s, t = 0.0755077 + 0.7 * 0.0300239 = 0.0965244 s -> 96.5244 s (ratio 1.2483)
  CHECK(jct(one_node, "consolidated") == Approx(77.3226).epsilon(1e-5));
  CHECK(jct(two_switches, "consolidated") == Approx(96.5244).epsilon(1e-5));
  // Count-only placement assumes the fewest nodes, here both.
  CHECK(jct(two_switches, "count") == Approx(96.5244).epsilon(1e-5));
}
