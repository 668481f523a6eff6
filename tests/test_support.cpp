#include "test_support.hpp"

#include "clustersim/core/csv.hpp"
#include "clustersim/training/family.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace clustersim::test {

std::string anchors() {
  if (const char* env = std::getenv("CLUSTERSIM_ANCHORS")) return env;
  return CLUSTERSIM_ANCHORS_DIR;
}

std::string anchor(const std::string& rel) {
  auto p = anchors() + "/" + rel;
  INFO("anchor data missing: " << p << " (set CLUSTERSIM_ANCHORS to the shared/anchors folder)");
  REQUIRE(std::filesystem::exists(p));
  return p;
}

std::string source_dir() {
  return CLUSTERSIM_SOURCE_DIR;
}
std::string binary() {
  return CLUSTERSIM_BIN;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("clustersim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

CommandResult run_cli(const std::string& args, const std::string& prefix) {
  std::string cmd = prefix + "'" + binary() + "' " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Params declared_params(const ParamSpecs& specs,
                       const std::map<std::string, std::string>& settings) {
  Params p;
  p.declare(training_params(), "training engine");
  p.declare(specs, "test");
  for (const auto& [k, v] : settings)
    p.set(k, v);
  p.validate();
  return p;
}

std::vector<JobRow> job_rows(const RunOutput& out) {
  TempDir dir;
  CsvReader csv(dir.write("jobs.csv", out.file("jobs.csv")));
  const auto id = csv.require({"job_id"}), s = csv.require({"first_start_s"}),
             f = csv.require({"finish_s"}), st = csv.require({"status"}),
             p = csv.require({"preemptions"}), r = csv.require({"resizes"});
  auto time = [&](std::size_t c) {
    return csv.field(c).empty() ? SimTime{-1} : from_seconds(csv.get_double(c));
  };
  std::vector<JobRow> rows;
  while (csv.next()) {
    JobRow row{csv.field(id),
               time(s),
               time(f),
               JobStatus::kPending,
               static_cast<int>(csv.get_int(p)),
               static_cast<int>(csv.get_int(r))};
    const std::string& status = csv.field(st);
    row.status = status == "finished"   ? JobStatus::kFinished
                 : status == "rejected" ? JobStatus::kRejected
                 : status == "running"  ? JobStatus::kRunning
                                        : JobStatus::kPending;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace clustersim::test
