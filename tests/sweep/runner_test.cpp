// `clustersim sweep run|merge|emit` through the binary, on tiny runs (traces/demo_200.csv on
// cluster_specs/n8g4.json, 0.05-0.3 s each): kill and resume, corrupt folders, failures, the
// GNU parallel and Slurm job files executed by a plain shell.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace clustersim::test;
namespace fs = std::filesystem;

namespace {

// 3 policies x 4 scheduling-slot lengths: 12 runs of 0.03-0.1 s.
std::string grid_text(const std::string& policies = R"("fifo", "srtf", "dlas-gpu")",
                      const std::string& slots = "40, 60, 80, 100") {
  return "{\n  \"base\": {\"cluster\": \"" + source_dir() +
         "/cluster_specs/n8g4.json\", \"trace\": \"" + source_dir() +
         "/traces/demo_200.csv\"},\n  \"labels\": {\"figure\": \"test\"},\n  \"axes\": [\n"
         "    {\"policy\": [" +
         policies + "]},\n    {\"engine.slot_s\": [" + slots + "]}\n  ]\n}\n";
}

std::map<std::string, std::string> summaries(const fs::path& out) {
  std::map<std::string, std::string> s;  // run folder -> summary.json bytes
  if (!fs::exists(out / "runs")) return s;
  for (const auto& d : fs::directory_iterator(out / "runs")) {
    if (fs::exists(d.path() / "summary.json"))
      s[d.path().filename().string()] = slurp((d.path() / "summary.json").string());
  }
  return s;
}

// summary.csv without its last column (wall_s, the one timing field).
std::string without_wall(const std::string& csv) {
  std::string out, line;
  std::istringstream in(csv);
  while (std::getline(in, line))
    out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

std::size_t temporaries(const fs::path& out) {
  std::size_t n = 0;
  for (const auto& f : fs::recursive_directory_iterator(out))
    n += f.path().filename().string().find(".tmp.") != std::string::npos;
  return n;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    std::vector<char*> argv;
    const std::string bin = binary();
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

}  // namespace

TEST_CASE("a sweep killed halfway resumes without redoing runs and merges the same CSV",
          "[sweep]") {
  TempDir dir;
  const std::string grid = dir.write("grid.json", grid_text());
  auto ref = run_cli("sweep run " + q(grid) + " --out " + q(dir.path() / "ref") + " -j 2 -q");
  REQUIRE(ref.exit_code == 0);
  const std::string expected = without_wall(slurp(dir.file("ref/summary.csv")));
  CHECK(std::count(expected.begin(), expected.end(), '\n') == 13);  // header + 12 runs

  for (int sig : {SIGKILL, SIGINT}) {
    INFO("signal " << sig);
    const fs::path out = dir.path() / ("killed" + std::to_string(sig));
    const pid_t pid = spawn({"sweep", "run", grid, "--out", out.string(), "-j", "2"},
                            dir.file("log" + std::to_string(sig)));
    const auto t0 = std::chrono::steady_clock::now();
    while (summaries(out).size() < 3 &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60))
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (sig == SIGKILL) {
      CHECK(WIFSIGNALED(status));
      // Its children die with it (PR_SET_PDEATHSIG); give them a moment to be gone.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } else {
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 130);
      CHECK(temporaries(out) == 0);  // the runner cleaned up after its children
      CHECK(slurp(dir.file("log" + std::to_string(sig))).find("run the same command again") !=
            std::string::npos);
    }
    const auto before = summaries(out);
    REQUIRE(before.size() >= 3);
    REQUIRE(before.size() < 12);  // really halfway

    auto resumed = run_cli("sweep run " + q(grid) + " --out " + q(out) + " -j 2");
    REQUIRE(resumed.exit_code == 0);
    CHECK(resumed.output.find("12 runs, " + std::to_string(before.size()) + " complete, " +
                              std::to_string(12 - before.size()) + " to run") != std::string::npos);
    const auto after = summaries(out);
    CHECK(after.size() == 12);
    for (const auto& [run, bytes] : before)
      CHECK(after.at(run) == bytes);  // not run again (its wall_s would differ)
    CHECK(temporaries(out) == 0);
    CHECK(without_wall(slurp((out / "summary.csv").string())) == expected);
  }
}

TEST_CASE("corrupt, partial, foreign or reconfigured run folders are rerun, never merged",
          "[sweep]") {
  TempDir dir;
  const std::string grid =
      dir.write("grid.json", grid_text(R"("fifo", "srtf", "sjf", "fjf", "srsf")", "100"));
  const fs::path out = dir.path() / "out";
  REQUIRE(run_cli("sweep run " + q(grid) + " --out " + q(out) + " -q").exit_code == 0);
  const std::string expected = without_wall(slurp((out / "summary.csv").string()));
  std::map<std::string, fs::path> run;  // policy -> folder
  for (const auto& d : fs::directory_iterator(out / "runs")) {
    const std::string name = d.path().filename().string();
    run[name.substr(name.find('_') + 1, name.rfind('-') - name.find('_') - 1)] = d.path();
  }
  REQUIRE(run.size() == 5);
  const std::string srsf_summary = slurp((run["srsf"] / "summary.json").string());
  {  // fifo: a truncated summary.json; srtf: another run's summary.json;
     // sjf: summary.json gone (jobs.csv still there); fjf: run.json edited (another config)
    const std::string s = slurp((run["fifo"] / "summary.json").string());
    std::ofstream(run["fifo"] / "summary.json") << s.substr(0, s.size() / 2);
    std::ofstream(run["srtf"] / "summary.json") << srsf_summary;
    fs::remove(run["sjf"] / "summary.json");
    std::ofstream(run["fjf"] / "run.json", std::ios::app) << " ";
  }
  auto merged = run_cli("sweep merge " + q(out));
  CHECK(merged.exit_code == 1);
  for (const char* p : {"fifo", "srtf", "sjf", "fjf"}) {
    INFO(p);
    CHECK(merged.output.find("incomplete: runs/" + run[p].filename().string()) !=
          std::string::npos);
  }
  CHECK(merged.output.find("incomplete: runs/" + run["srsf"].filename().string()) ==
        std::string::npos);
  CHECK(merged.output.find("summary.json is from policy \"srsf\"") != std::string::npos);
  CHECK(merged.output.find("run.json differs") != std::string::npos);
  auto partial = run_cli("sweep merge --partial " + q(out));
  CHECK(partial.exit_code == 0);
  CHECK(without_wall(slurp((out / "summary.csv").string())) ==
        expected.substr(0, expected.find('\n') + 1) +
            expected.substr(expected.find("\ntest,srsf,") + 1));

  auto rerun = run_cli("sweep run " + q(grid) + " --out " + q(out));
  CHECK(rerun.exit_code == 0);
  CHECK(rerun.output.find("5 runs, 1 complete, 4 to run") != std::string::npos);
  CHECK(slurp((run["srsf"] / "summary.json").string()) == srsf_summary);
  CHECK(without_wall(slurp((out / "summary.csv").string())) == expected);
}

TEST_CASE("failed runs are reported with their log, the others finish, exit code = failures",
          "[sweep]") {
  TempDir dir;
  const std::string grid =
      dir.write("grid.json", grid_text(R"("fifo", "no-such-policy", "srtf")", "100"));
  auto r = run_cli("sweep run " + q(grid) + " --out " + q(dir.path() / "out") + " -q");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAILED runs/100_no-such-policy-") != std::string::npos);
  CHECK(r.output.find("unknown policy 'no-such-policy'") != std::string::npos);  // the log
  CHECK(summaries(dir.path() / "out").size() == 2);
  CHECK(!fs::exists(dir.path() / "out" / "summary.csv"));
}

TEST_CASE("a bad grid stops sweep run with file:line and exit 2 before any run", "[sweep]") {
  TempDir dir;
  std::string text = grid_text();
  text.replace(text.find("\"engine.slot_s\""), 15, "\"policy\"");
  const std::string grid = dir.write("grid.json", text);
  auto r = run_cli("sweep run " + q(grid) + " --out " + q(dir.path() / "out"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("grid.json:6: 'policy' is already an axis") != std::string::npos);
  CHECK(!fs::exists(dir.path() / "out"));

  // A key that no component declares: the run's own message with the nearest declared key.
  text = grid_text();
  text.replace(text.find("\"engine.slot_s\""), 15, "\"engine.slot\"");
  auto typo =
      run_cli("sweep run " + q(dir.write("typo.json", text)) + " --out " + q(dir.path() / "out"));
  CHECK(typo.exit_code == 2);
  CHECK(typo.output.find("typo.json:6: unknown parameter engine.slot (did you mean "
                         "engine.slot_s") != std::string::npos);
  CHECK(!fs::exists(dir.path() / "out"));
}

TEST_CASE("the GNU parallel and Slurm job files run the same runs as sweep run", "[sweep]") {
  TempDir dir;
  const std::string grid = dir.write("grid.json", grid_text(R"("fifo", "srtf")", "60, 100"));
  REQUIRE(run_cli("sweep run " + q(grid) + " --out " + q(dir.path() / "ref") + " -q").exit_code ==
          0);
  const std::string expected = without_wall(slurp(dir.file("ref/summary.csv")));

  // GNU parallel's job file: one shell command per line; here run by sh one after the other.
  const fs::path par = dir.path() / "par";
  REQUIRE(run_cli("sweep emit " + q(grid) + " --parallel --out " + q(par)).exit_code == 0);
  const std::string jobs = slurp((par / "parallel/jobs.txt").string());
  CHECK(std::count(jobs.begin(), jobs.end(), '\n') == 4);
  CHECK(std::system(("sh -e " + q(par / "parallel/jobs.txt")).c_str()) == 0);
  REQUIRE(run_cli("sweep merge " + q(par)).exit_code == 0);
  CHECK(without_wall(slurp((par / "summary.csv").string())) == expected);
  // Emitting again lists only what is left to run.
  auto again = run_cli("sweep emit " + q(grid) + " --parallel --out " + q(par));
  CHECK(again.output.find("4 runs, 4 complete, 0 to run") != std::string::npos);

  // Slurm: 4 runs in chunks of 3 = array tasks 1-2, at most 1 at once; each task run by bash.
  const fs::path slu = dir.path() / "slurm";
  REQUIRE(run_cli("sweep emit " + q(grid) + " --slurm --chunk 3 --throttle 1 --out " + q(slu))
              .exit_code == 0);
  const std::string script = slurp((slu / "slurm/sweep.sbatch").string());
  CHECK(script.find("#SBATCH --array=1-2%1\n") != std::string::npos);
  CHECK(script.find("#SBATCH --output=" + slu.string() + "/slurm/%A_%a.out\n") !=
        std::string::npos);
  for (int task : {1, 2}) {
    const std::string cmd =
        "SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash " + q(slu / "slurm/sweep.sbatch");
    CHECK(std::system(cmd.c_str()) == 0);
  }
  REQUIRE(run_cli("sweep merge " + q(slu)).exit_code == 0);
  CHECK(without_wall(slurp((slu / "summary.csv").string())) == expected);
}

TEST_CASE("sweep and its subcommands answer --help", "[sweep]") {
  for (const char* args : {"sweep --help", "sweep expand --help", "sweep run --help",
                           "sweep merge --help", "sweep emit --help"}) {
    INFO(args);
    auto r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("Usage") != std::string::npos);
  }
  CHECK(run_cli("sweep").exit_code == 2);  // a subcommand is required
}
