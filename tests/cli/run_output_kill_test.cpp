// A run killed with SIGKILL at any point leaves its output folder holding either the previous
// complete output, byte for byte, or no summary.json; never a summary.json next to files of
// another run (RunOutput::commit, src/metrics/run_output.cpp). Half of the kills land at seeded
// random times during the run, half at seeded random delays after the first temporary file of
// the commit appears. CLUSTERSIM_KILL_TRIALS sets the number of kills (default 10).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

extern char** environ;

using namespace clustersim::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

bool is_temporary(const std::string& name) {
  return name.find(".tmp.") != std::string::npos;
}

// Result files of a folder (temporaries left by a killed run are not results).
std::map<std::string, std::string> results_in(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!is_temporary(name)) files[name] = slurp(e.path().string());
  }
  return files;
}

bool has_temporary(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_temporary(it->path().filename().string())) return true;
  return false;
}

// Same result as `expected`, timing fields aside (summary.json's run.wall_s and run.policy_s).
bool same_result(std::map<std::string, std::string> files,
                 std::map<std::string, std::string> expected) {
  if (!files.count("summary.json") || !expected.count("summary.json")) return false;
  for (auto* f : {&files, &expected}) {
    auto s = nlohmann::json::parse((*f)["summary.json"]);
    s["run"].erase("wall_s");
    s["run"].erase("policy_s");
    (*f)["summary.json"] = s.dump();
  }
  return files == expected;
}

void reset_to(const fs::path& dir, const std::map<std::string, std::string>& files) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, content] : files)
    std::ofstream(dir / name, std::ios::binary) << content;
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("a run killed at a random point leaves the previous output or no summary.json",
          "[cli][output]") {
  TempDir dir;
  // A trace large enough that the run lasts a while and its jobs.csv takes a moment to write.
  const std::string trace = dir.file("trace.csv");
  REQUIRE(run_cli("trace generate --preset demo --jobs 3000 --out '" + trace + "'").exit_code == 0);
  const std::string cluster = source_dir() + "/cluster_specs/n8g4.json";
  auto args = [&](const std::string& policy, const fs::path& out) {
    return std::vector<std::string>{binary(),
                                    "run",
                                    "-q",
                                    "--cluster",
                                    cluster,
                                    "--trace",
                                    trace,
                                    "--policy",
                                    policy,
                                    "--set",
                                    "engine.efficiency=true",
                                    "--out",
                                    out.string()};
  };
  // The previous output (fifo) and the one the killed runs would write (sjf).
  const fs::path previous_dir = dir.path() / "previous", next_dir = dir.path() / "next";
  REQUIRE(wait_for(spawn(args("fifo", previous_dir))) == 0);
  const auto t0 = Clock::now();
  REQUIRE(wait_for(spawn(args("sjf", next_dir))) == 0);
  const double run_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto previous = results_in(previous_dir), next = results_in(next_dir);
  REQUIRE(previous.size() == 3);  // summary.json, jobs.csv, cluster.csv
  REQUIRE(next.size() == 3);
  REQUIRE(previous != next);

  const char* env = std::getenv("CLUSTERSIM_KILL_TRIALS");
  const int trials = env ? std::max(2, std::atoi(env)) : 10;
  std::mt19937_64 rng(20240515);
  const fs::path out = dir.path() / "out";
  int kept = 0, without_summary = 0, replaced = 0, killed_in_commit = 0;
  for (int i = 0; i < trials; ++i) {
    reset_to(out, previous);
    const bool in_commit = i % 2 == 1;
    const pid_t pid = spawn(args("sjf", out));
    if (in_commit) {
      // Wait for the commit's first temporary file, then a random 0-1 ms.
      const auto deadline = Clock::now() + std::chrono::duration<double>(10 * run_s + 5);
      while (!has_temporary(out) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      killed_in_commit += has_temporary(out);
      std::this_thread::sleep_for(
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, 1000)(rng)));
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(
          std::uniform_real_distribution<double>(0, 1.1 * run_s)(rng)));
    }
    ::kill(pid, SIGKILL);
    wait_for(pid);
    const auto now = results_in(out);
    INFO("trial " << i << (in_commit ? " (in commit)" : " (during the run)"));
    if (!now.count("summary.json")) {
      ++without_summary;
    } else {
      // The previous output byte for byte, or the complete new one.
      CHECK((now == previous || same_result(now, next)));
      kept += now == previous;
      replaced += now != previous && same_result(now, next);
    }
  }
  INFO("kept " << kept << ", no summary.json " << without_summary << ", replaced " << replaced);
  CHECK(kept + without_summary + replaced == trials);
  CHECK(killed_in_commit > 0);
  // The next complete run removes the temporaries of dead processes (the killed runs', and one
  // of a process that has exited for sure) and keeps those of a live one (this test's).
  const pid_t dead = spawn({"/bin/true"});
  wait_for(dead);
  const fs::path stale = out / ("jobs.csv.tmp." + std::to_string(dead));
  const fs::path live = out / ("jobs.csv.tmp." + std::to_string(::getpid()));
  std::ofstream(stale) << "stale";
  std::ofstream(live) << "live";
  REQUIRE(wait_for(spawn(args("sjf", out))) == 0);
  CHECK(same_result(results_in(out), next));
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));
  fs::remove(live);
  CHECK_FALSE(has_temporary(out));
}
