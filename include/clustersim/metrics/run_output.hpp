// The result files of one run, committed as one unit (DESIGN.md "Outputs"): summary.json, the
// per-item CSV (jobs.csv, tasks.csv, ...), series (cluster.csv, series.csv) and streamed CSVs
// (requests.csv). Nothing is written to the output folder until a stream is opened or the output
// is committed; every file goes to a temporary name first and is renamed at commit, summary.json
// last, so its presence marks a complete result. An output destroyed without commit removes its
// temporaries: a failed run leaves the folder as it was. A run killed outright (SIGKILL) leaves
// the previous complete output, or no summary.json if it died while renaming, plus temporaries
// `NAME.tmp.PID` that the next commit into the folder removes (tests/cli/run_output_kill_test.cpp).
//
// An output without a folder keeps everything in memory (tests, `execute_run`).
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clustersim {

/// A CSV written row by row to a temporary file (or to memory), for outputs too large to build
/// as one string (10^8 requests).
class CsvStream {
 public:
  CsvStream(std::string path, std::string tmp_path, const std::string& header);
  ~CsvStream();
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;
  /// Appends one line (without its newline).
  void row(const std::string& line);
  const std::string& path() const { return path_; }
  const std::string& tmp_path() const { return tmp_; }
  /// In-memory streams: the content so far.
  const std::string& text() const { return text_; }
  /// Flushes and closes; throws InputError on a write error.
  void close();

 private:
  std::string path_, tmp_, text_;
  std::FILE* f_ = nullptr;
  std::vector<char> buffer_;
};

class RunOutput {
 public:
  /// `dir` = "" keeps every file in memory.
  explicit RunOutput(std::string dir = "");
  ~RunOutput();
  RunOutput(RunOutput&&) noexcept;
  RunOutput& operator=(RunOutput&&) noexcept;

  /// summary.json's content; the pipeline adds the "run" record.
  nlohmann::json summary = nlohmann::json::object();
  /// Adds a metric to summary.json; a key written twice is a bug (InvariantError).
  void add_metric(const std::string& key, nlohmann::json value);

  /// A whole file (e.g. jobs.csv), written at commit.
  void add_file(const std::string& name, std::string content);
  /// A file streamed while the run goes (creates the folder and a temporary file now).
  CsvStream& stream(const std::string& name, const std::string& header);
  /// Content of a file added or streamed (streams: in memory only); InvariantError if absent.
  std::string file(const std::string& name) const;
  bool has_file(const std::string& name) const;
  const std::string& dir() const { return dir_; }

  /// Writes every file and summary.json; throws InputError on failure (earlier files of the
  /// folder stay as they were).
  void commit();

 private:
  std::string dir_;
  std::map<std::string, std::string> files_;
  std::vector<std::pair<std::string, std::unique_ptr<CsvStream>>> streams_;
  bool committed_ = false;
  void make_dir() const;
};

}  // namespace clustersim
