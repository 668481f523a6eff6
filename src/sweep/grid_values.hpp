// Helpers of grid.cpp: axis values (lists, ranges, format and names), `${var}` substitution in
// JSON values, the column text of a value and a point's folder name.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clustersim/core/json_input.hpp"

namespace clustersim::sweep::detail {

struct Value {
  nlohmann::json run;  ///< what the run gets; null = not set
  std::string shown;   ///< what the column shows
};

/// `${name}` substitution of a string found at `ptr` (throws InputError at its line).
using Subst = std::function<std::string(const std::string& text, const std::string& ptr)>;

/// The column text of a value: strings as they are, numbers and booleans as JSON, null empty.
std::string shown_of(const nlohmann::json& v);
/// `v` with `subst` applied to every string in it.
nlohmann::json subst_json(const nlohmann::json& v, const std::string& ptr, const Subst& subst);
/// The values of axis key `key`, whose spec is at `ptr` of `in` (docs/sweeps.md, "Values of an
/// axis"). Throws InputError(file:line) for a malformed spec.
std::vector<Value> read_axis_values(const JsonInput& in, const std::string& key,
                                    const std::string& ptr, const Subst& subst);
/// "runs/<values>-<id>": the values of the axis keys that are run options or parameters (sorted
/// by key, so the order of axes does not matter; file paths, and absolute paths in parameters,
/// by their stem; empty values left out), made file-name safe and short, then the id.
std::string folder_of(const std::map<std::string, std::string>& axis_values,
                      const std::vector<std::string>& path_keys, const std::string& id);

}  // namespace clustersim::sweep::detail
