// Bad input through the real CLI: every kind of mistake must end with exit code 2 and a message
// naming `file:line:` (or the option, when there is no file), never a crash, and must leave the
// output folder as it was.
#include <filesystem>

#include <catch2/catch.hpp>

#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"
#include "test_support.hpp"

using namespace clustersim::test;
namespace fs = std::filesystem;

namespace {

const char* kHeader =
    "job_id,submit_s,model,batch_size,iterations,gpus,deadline_s,best_effort,duration_s\n";

struct Inputs {
  TempDir dir;
  std::string cluster;  // 1 switch x 1 node x 4 GPUs
  Inputs() {
    cluster = dir.write("n1g4.csv",
                        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n"
                        "1,1,4,8,64\n");
  }
  std::string out() const { return dir.file("out"); }
  /// Runs fifo on `trace` (written into the folder) with extra CLI arguments.
  CommandResult run_trace(const std::string& trace, const std::string& extra = "") const {
    auto path = dir.write("trace.csv", trace);
    return run_cli("run -q --cluster '" + cluster + "' --trace '" + path +
                   "' --policy fifo --out '" + out() + "' " + extra);
  }
};

bool has(const CommandResult& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

#define EXPECT_INPUT_ERROR(result, where, what) \
  do {                                          \
    const auto& r_ = (result);                  \
    INFO(r_.output);                            \
    CHECK(r_.exit_code == 2);                   \
    CHECK(has(r_, where));                      \
    CHECK(has(r_, what));                       \
    CHECK_FALSE(has(r_, "internal error"));     \
  } while (0)

}  // namespace

TEST_CASE("a valid baseline run succeeds (so the failures below are the mistakes')",
          "[cli][bad_input]") {
  Inputs in;
  auto r = in.run_trace(std::string(kHeader) +
                        "a,0,resnet50,64,100,1,,0,10\nb,5,vgg16,64,100,4,100,0,20\n");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(in.out() + "/summary.json"));
}

TEST_CASE("trace errors name file:line", "[cli][bad_input]") {
  Inputs in;
  const std::string ok_row = "a,0,resnet50,64,100,1,,0,10\n";

  SECTION("missing column") {
    auto r = in.run_trace(
        "job_id,submit_s,model,batch_size,iterations,deadline_s,best_effort,duration_s\n"
        "a,0,resnet50,64,100,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:1:", "missing column 'gpus'");
  }
  SECTION("extra column (field count)") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,resnet50,64,100,1,,0,10,77\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "expected 9 fields as in the header, found 10");
  }
  SECTION("missing field (field count)") {
    auto r = in.run_trace(std::string(kHeader) + "\n" + ok_row + "b,1,resnet50,64,100,1,,0\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:4:", "found 8");  // blank line 2 still counts
  }
  SECTION("non-numeric field") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,resnet50,64,100,four,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "'four' is not an integer");
  }
  SECTION("negative time") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,-5,resnet50,64,100,1,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "negative time");
  }
  SECTION("overflowing time") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1e300,resnet50,64,100,1,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "overflows");
  }
  SECTION("overflowing duration") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,resnet50,64,100,1,,0,1e300\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "overflows");
  }
  SECTION("not a number: nan and inf") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,nan,resnet50,64,100,1,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "not a finite number");
    r = in.run_trace(std::string(kHeader) + ok_row + "b,1,resnet50,64,100,1,,0,inf\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "not a finite number");
  }
  SECTION("GPU request larger than the cluster") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "big,1,resnet50,64,100,8,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "asks for 8 GPUs but the cluster has 4");
  }
  SECTION("zero GPUs") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "z,1,resnet50,64,100,0,,0,10\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "out of range");
  }
  SECTION("duplicate job ids") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,vgg16,64,1,1,,0,1\n" + ok_row);
    EXPECT_INPUT_ERROR(r, "trace.csv:4:", "duplicate job id 'a' (first at line 2)");
  }
  SECTION("deadline before submit") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,50,vgg16,64,1,1,40,0,1\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "deadline before submit");
  }
  SECTION("empty file") {
    auto r = in.run_trace("");
    EXPECT_INPUT_ERROR(r, "trace.csv:1:", "empty file");
  }
  SECTION("header but no jobs") {
    auto r = in.run_trace(kHeader);
    EXPECT_INPUT_ERROR(r, "trace.csv:1:", "no jobs");
  }
  SECTION("missing trace file") {
    auto r = run_cli("run --cluster '" + in.cluster + "' --trace '" + in.dir.file("nope.csv") +
                     "' --policy fifo --out '" + in.out() + "'");
    EXPECT_INPUT_ERROR(r, "nope.csv: cannot open: No such file or directory", "nope.csv");
  }
  SECTION("no duration and no throughput table") {
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,vgg16,64,100,1,,0,\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "no duration and no throughput table");
  }
  SECTION("unknown model with a throughput table") {
    auto table = in.dir.write(
        "table.csv", "model,batch_size,gpus,iters_per_s\nresnet50,64,1,10\nresnet50,64,2,18\n");
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,nosuchnet,64,100,1,,0,\n",
                          "--throughputs '" + table + "'");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "unknown model 'nosuchnet'");
  }
  SECTION("unknown batch size with a throughput table") {
    auto table = in.dir.write("table.csv", "model,batch_size,gpus,iters_per_s\nresnet50,64,1,10\n");
    auto r = in.run_trace(std::string(kHeader) + ok_row + "b,1,resnet50,32,100,1,,0,\n",
                          "--throughputs '" + table + "'");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "no throughput row for batch size 32");
  }
  SECTION("bad throughput table") {
    auto table =
        in.dir.write("table.csv", "model,batch_size,gpus,iters_per_s\nresnet50,64,1,fast\n");
    auto r = in.run_trace(std::string(kHeader) + ok_row, "--throughputs '" + table + "'");
    EXPECT_INPUT_ERROR(r, "table.csv:2:", "'fast' is not a finite number");
  }
  SECTION("unknown trace format header") {
    auto r = in.run_trace("who,what\n1,2\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:1:", "cannot tell the trace format");
  }
}

TEST_CASE("ElasticFlow and Muri trace errors name file:line", "[cli][bad_input]") {
  Inputs in;
  SECTION("elasticflow: deadline before submit") {
    auto r = in.run_trace(
        "job_id,submit_time,iteration,model_name,ddl,batch_size,num_gpu,duration\n"
        "0,100,10,resnet50,200,64,1,50\n1,300,10,resnet50,299,64,1,50\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:3:", "deadline before submit");
  }
  SECTION("muri: negative stage time") {
    auto r = in.run_trace(
        "job_id,num_gpu,submit_time,iterations,model_name,batch_size,duration,interval,"
        "iteration_time,resource_time_0,resource_time_1,resource_time_2,priority\n"
        "0,1,0,10,resnet50,64,1000,0,100,10,80,-10,0\n");
    EXPECT_INPUT_ERROR(r, "trace.csv:2:", "resource_time_2");
  }
}

TEST_CASE("cluster spec and run.json errors name file:line", "[cli][bad_input]") {
  Inputs in;
  auto trace = in.dir.write("t.csv", std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\n");
  auto run_with_cluster = [&](const std::string& spec) {
    return run_cli("run --cluster '" + spec + "' --trace '" + trace + "' --policy fifo --out '" +
                   in.out() + "'");
  };
  SECTION("invalid JSON cluster spec") {
    auto spec =
        in.dir.write("c.json", "{\n  \"node_types\": {\n    \"a\": {\"gpus\": 8,,}\n  }\n}\n");
    EXPECT_INPUT_ERROR(run_with_cluster(spec), "c.json:3:", "invalid JSON");
  }
  SECTION("JSON cluster spec with a wrong value") {
    auto spec = in.dir.write("c.json",
                             "{\n  \"node_types\": {\"a\": {\"gpu_type\": \"A100\", \"gpus\": 8,\n"
                             "    \"cpus\": 8, \"mem_gb\": 64}},\n  \"switches\": [\n"
                             "    {\"nodes\": [{\"type\": \"a\", \"count\": -1}]}\n  ]\n}\n");
    EXPECT_INPUT_ERROR(run_with_cluster(spec), "c.json:5:", "'count' must be");
  }
  SECTION("JSON number overflow") {
    auto spec = in.dir.write("c.json", "{\n\"node_types\": {},\n\"x\": 1e400\n}\n");
    EXPECT_INPUT_ERROR(run_with_cluster(spec), "c.json:3:", "overflow");
  }
  SECTION("empty cluster spec") {
    EXPECT_INPUT_ERROR(run_with_cluster(in.dir.write("c.csv", "\n\n")), "c.csv:1:", "empty file");
  }
  SECTION("CSV cluster spec with a bad value") {
    auto spec = in.dir.write(
        "c.csv",
        "num_switch,num_node_p_switch,num_gpu_p_node,num_cpu_p_node,mem_p_node\n1,0,4,8,64\n");
    EXPECT_INPUT_ERROR(run_with_cluster(spec), "c.csv:2:", "num_node_p_switch");
  }
  SECTION("invalid JSON run.json") {
    auto cfg = in.dir.write("run.json", "{\n  \"policy\": \"fifo\"\n  \"trace\": \"t.csv\"\n}\n");
    EXPECT_INPUT_ERROR(run_cli("run --config '" + cfg + "'"), "run.json:3:", "invalid JSON");
  }
  SECTION("run.json with an unknown key") {
    auto cfg = in.dir.write("run.json", "{\n  \"policy\": \"fifo\",\n  \"polcy\": \"sjf\"\n}\n");
    EXPECT_INPUT_ERROR(run_cli("run --config '" + cfg + "'"), "run.json:3:", "unknown key 'polcy'");
  }
  SECTION("run.json with a seed too large") {
    auto cfg = in.dir.write("run.json",
                            "{\"cluster\": \"a\", \"trace\": \"b\", \"policy\": \"fifo\",\n"
                            "\"seed\": 18446744073709551615}\n");
    EXPECT_INPUT_ERROR(run_cli("run --config '" + cfg + "'"), "run.json:2:", "too large");
  }
}

TEST_CASE("unknown names in options exit 2 and say what is known", "[cli][bad_input]") {
  Inputs in;
  const std::string trace = std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\n";
  SECTION("unknown policy") {
    auto path = in.dir.write("trace.csv", trace);
    auto r = run_cli("run --cluster '" + in.cluster + "' --trace '" + path +
                     "' --policy nosuchpolicy --out '" + in.out() + "'");
    EXPECT_INPUT_ERROR(r, "unknown policy 'nosuchpolicy'", "fifo");
  }
  SECTION("unknown parameter") {
    auto r = in.run_trace(trace, "--set nosuch=1");
    EXPECT_INPUT_ERROR(r, "unknown parameter", "nosuch");
  }
  SECTION("malformed --set") {
    auto r = in.run_trace(trace, "--set nosuch");
    EXPECT_INPUT_ERROR(r, "--set expects key=value", "nosuch");
  }
  SECTION("malformed parameter value") {
    auto r = in.run_trace(trace, "--set engine.slot_s=soon");
    EXPECT_INPUT_ERROR(r, "engine.slot_s", "not a number");
  }
  SECTION("unknown trace format") {
    auto r = in.run_trace(trace, "--trace-format nosuchformat");
    EXPECT_INPUT_ERROR(r, "unknown trace format 'nosuchformat'", "clustersim");
  }
}

TEST_CASE("a failing run writes nothing and keeps earlier output", "[cli][bad_input]") {
  Inputs in;
  const std::string good = std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\n";
  const std::string bad =
      std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\nb,x,vgg16,64,1,1,,0,1\n";
  auto no_temp_files = [&] {
    if (!fs::exists(in.out())) return true;
    for (auto& e : fs::directory_iterator(in.out())) {
      if (e.path().filename().string().find(".tmp.") != std::string::npos) return false;
    }
    return true;
  };

  SECTION("fresh folder: no summary.json") {
    auto r = in.run_trace(bad);
    CHECK(r.exit_code == 2);
    CHECK_FALSE(fs::exists(in.out() + "/summary.json"));
    CHECK_FALSE(fs::exists(in.out() + "/jobs.csv"));
    CHECK(no_temp_files());
  }
  SECTION("earlier output survives") {
    REQUIRE(in.run_trace(good).exit_code == 0);
    const auto summary = slurp(in.out() + "/summary.json");
    const auto jobs = slurp(in.out() + "/jobs.csv");
    REQUIRE_FALSE(summary.empty());
    auto r = in.run_trace(bad);
    CHECK(r.exit_code == 2);
    CHECK(slurp(in.out() + "/summary.json") == summary);
    CHECK(slurp(in.out() + "/jobs.csv") == jobs);
    CHECK(no_temp_files());
    r = in.run_trace(good, "--set nosuch=1");
    CHECK(r.exit_code == 2);
    CHECK(slurp(in.out() + "/summary.json") == summary);
    CHECK(no_temp_files());
  }
}

TEST_CASE("trace inspect and generate report bad input with exit 2", "[cli][bad_input][trace]") {
  Inputs in;
  SECTION("inspect: unreadable row") {
    auto path = in.dir.write(
        "t.csv", std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\nb,zz,m,1,1,1,,0,1\n");
    EXPECT_INPUT_ERROR(run_cli("trace inspect '" + path + "'"), "t.csv:3:", "not a finite number");
  }
  SECTION("inspect --strict: jobs larger than the cluster") {
    auto path = in.dir.write(
        "t.csv", std::string(kHeader) + "a,0,resnet50,64,100,1,,0,10\nb,1,m,1,1,8,,0,0\n");
    auto r = run_cli("trace inspect '" + path + "' --cluster '" + in.cluster + "'");
    INFO(r.output);
    CHECK(r.exit_code == 0);  // reported, not fatal, without --strict
    CHECK(has(r, "t.csv:3: job 'b': asks for 8 GPUs but the cluster has 4"));
    CHECK(has(r, "t.csv:3: job 'b': zero duration"));
    CHECK(run_cli("trace inspect '" + path + "' --max-gpus 4 --strict").exit_code == 2);
  }
  SECTION("generate: bad distribution") {
    auto r = run_cli("trace generate --preset demo --duration 'gauss:1,2' --out '" +
                     in.dir.file("g.csv") + "'");
    EXPECT_INPUT_ERROR(r, "duration", "unknown distribution 'gauss'");
    CHECK_FALSE(fs::exists(in.dir.file("g.csv")));
  }
  SECTION("generate: settings JSON with an unknown key") {
    auto cfg = in.dir.write("s.json", "{\n  \"jobs\": 10,\n  \"jobz\": 3\n}\n");
    auto r = run_cli("trace generate --from '" + cfg + "' --out '" + in.dir.file("g.csv") + "'");
    EXPECT_INPUT_ERROR(r, "s.json:3:", "unknown key 'jobz'");
  }
}

TEST_CASE("result files are written all or nothing", "[cli][bad_input]") {
  TempDir dir;
  const auto a = dir.write("a.csv", "old a\n");
  // The second file cannot be created (its folder does not exist): the first keeps its old
  // content and no temporary file is left behind.
  CHECK_THROWS_AS(
      clustersim::write_files_atomically({{a, "new a\n"}, {dir.file("missing/b.csv"), "new b\n"}}),
      clustersim::InputError);
  CHECK(slurp(a) == "old a\n");
  int entries = 0;
  for (auto& e : fs::directory_iterator(dir.path()))
    entries += e.path().filename() != "a.csv";
  CHECK(entries == 0);
  clustersim::write_files_atomically({{a, "new a\n"}, {dir.file("b.csv"), "new b\n"}});
  CHECK(slurp(a) == "new a\n");
  CHECK(slurp(dir.file("b.csv")) == "new b\n");
}
