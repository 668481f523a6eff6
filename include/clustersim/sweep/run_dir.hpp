// The sweep folder: <out>/manifest.tsv (one line per run: its folder, the hash of its run.json and
// its column values), <out>/runs/<id>/ (run.json written by the sweep, the run's own outputs
// beside it, log.txt) and <out>/summary.csv (merge). A run folder counts as complete only when
// its run.json is byte for byte the one the manifest expects and its summary.json parses and
// belongs to that run.json; anything else is rerun and never merged. Every file is written under
// a temporary name and renamed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clustersim/sweep/grid.hpp"

namespace clustersim::sweep {

/// The bytes of a point's run.json.
std::string run_json_text(const Point& point);

enum class RunState { kComplete, kMissing, kIncomplete };
struct RunCheck {
  RunState state;
  std::string reason;  ///< why it is not complete ("" when complete or never started)
};
/// Whether folder `dir` holds the complete result of the run.json whose hash_hex is
/// `config_hash`.
RunCheck check_run(const std::string& dir, const std::string& config_hash);

/// Readies `dir` for a (re)run: removes summary.json first (so a kill here leaves the folder
/// incomplete, never stale-complete), then every other file in it, then writes run.json.
void prepare_run(const std::string& dir, const std::string& run_json);
/// Removes the temporary files (`*.tmp.<pid>`) a killed run may leave in `dir`.
void remove_temporaries(const std::string& dir);

struct ManifestRow {
  std::string dir;          ///< relative to the sweep folder
  std::string config_hash;  ///< hash_hex of the run.json bytes
  std::vector<std::string> values;
};
struct ManifestFile {
  std::vector<std::string> columns;
  std::vector<ManifestRow> rows;
};
ManifestFile manifest_file(const Manifest& manifest);
/// TSV: a header `run<TAB>config<TAB><columns...>`, then one line per run.
std::string manifest_text(const ManifestFile& manifest);
void write_manifest(const std::string& sweep_dir, const ManifestFile& manifest);
/// Reads <sweep_dir>/manifest.tsv; InputError(file:line) when malformed.
ManifestFile read_manifest(const std::string& sweep_dir);

struct MergeResult {
  std::size_t merged = 0;
  std::vector<std::pair<std::string, std::string>> incomplete;  ///< folder, reason
  bool written = false;
};
/// Writes <sweep_dir>/summary.csv: the grid columns, run_dir (the run's folder relative to
/// sweep_dir, where its jobs.csv is), then every scalar top-level key of the runs' summary.json
/// (first appearance order; the `run` object left out), then wall_s; one row per complete run in
/// manifest order. When a run is incomplete nothing is written unless
/// `partial`, which merges the complete ones.
MergeResult merge(const std::string& sweep_dir, bool partial);

/// An exclusive lock on <sweep_dir>/.lock for the life of the object (flock, not inherited by
/// child processes), so two sweeps never run in one folder at once. Throws InputError when
/// another process holds it.
class SweepLock {
 public:
  explicit SweepLock(const std::string& sweep_dir);
  ~SweepLock();
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace clustersim::sweep
