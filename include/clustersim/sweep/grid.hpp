// Parameter grids of `clustersim sweep` (schema: docs/sweeps.md). A grid file (JSON) holds
//   vars      named strings, `${name}` in any string of the grid; `--var name=value` overrides;
//             `${grid_dir}` is the grid file's folder
//   base      the run options every run shares (a run.json without "out": family, policy, seed,
//             the family's inputs, set, outputs)
//   labels    extra columns of the merged summary.csv: constants, or declared here (null) and
//             varied by an axis
//   axes      a list; each entry is one axis (one key) or several zipped keys of equal length;
//             values: a list, {"range": [from, to, step]}, or {"values": [...], "format": "..{}.."}
//             / {"values": [...], "names": [...]} (the column shows the name, the run gets the
//             value)
//   replications  N: an innermost axis `run` = 0..N-1 (the replication index of random streams)
//   exclude   named conditions {key: value or [values]}; a point matching every key of one is
//             dropped
// Expansion is deterministic: the first axis varies slowest, and each point's id is a hash of
// its column values alone (labels and axis keys), so the same point gets the same id and folder
// whatever the order of keys or axes in the file, and adding axis values leaves existing ids as
// they are. Bad grids throw InputError(`file:line: what is wrong`).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace clustersim::sweep {

/// Checks a grid key that is neither a run option nor a label: "" if `key` is a parameter of
/// `family`, otherwise the reason (e.g. naming the nearest declared keys).
using ParamCheck = std::function<std::string(const std::string& family, const std::string& key)>;

struct GridOptions {
  std::map<std::string, std::string> vars;  ///< overrides of the grid's "vars"
  /// `--only key=value` filters: a point is kept when, for every key named here, its value is
  /// one of the values given for that key.
  std::vector<std::pair<std::string, std::string>> only;
  /// `--set key=value`: parameters added to the base's "set" (replacing a base value of the same
  /// key; an axis still overrides them), as strings, e.g. a calibration's fitted values.
  std::vector<std::pair<std::string, std::string>> set;
  ParamCheck check_param;  ///< empty: every such key is accepted
};

struct Point {
  std::string id;                   ///< 16 hex digits
  std::string dir;                  ///< "runs/<readable values>-<id>", relative to the sweep folder
  std::vector<std::string> values;  ///< one per Manifest::columns, as shown in summary.csv
  nlohmann::json config;            ///< the run's run.json (with "out": "."), paths absolute
};

struct Manifest {
  std::vector<std::string> columns;  ///< labels, then axis keys, in file order
  std::vector<Point> points;         ///< expansion order
  std::vector<std::string> notes;    ///< what exclusions removed, exclusions matching nothing
};

/// The ParamCheck of real runs: "" when some component of `family` (or a shared one) declares
/// `key`, else "unknown parameter KEY (did you mean ...)" as `clustersim run` says it.
std::string check_declared_param(const std::string& family, const std::string& key);

/// Run-option keys of a family's run.json that a grid may set or vary: policy, seed and the
/// family's inputs (not "out", "set", "outputs").
const std::vector<std::string>& run_option_keys(const std::string& family);

Manifest expand_grid(const std::string& path, const GridOptions& options = {});
/// Same, for grid text that came from `path` (relative paths resolve against its folder).
Manifest expand_grid_text(const std::string& path, const std::string& text,
                          const GridOptions& options = {});

/// The `count` keys of `known` nearest to `key` (edit distance), for "did you mean" messages.
std::vector<std::string> nearest_keys(const std::string& key, const std::vector<std::string>& known,
                                      std::size_t count = 3);

/// 64-bit FNV-1a of `text` as 16 hex digits.
std::string hash_hex(const std::string& text);

}  // namespace clustersim::sweep
