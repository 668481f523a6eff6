// Named parameters from `--set key=value` and run.json. Components read the keys they know with
// typed getters; after the run is built, any key nobody read is an error, so a typo never
// silently changes results.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clustersim {

class Params {
 public:
  Params() = default;
  /// Parses "key=value"; throws InputError on a missing '=' or an empty key.
  void set_from_string(const std::string& assignment);
  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  /// A value used when the key is not set explicitly; never reported as unused.
  void set_default(const std::string& key, const std::string& value) { defaults_[key] = value; }
  bool has(const std::string& key) const { return values_.count(key) > 0; }

  // Each getter marks the key as used; a present but malformed value throws InputError.
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double fallback) const;
  std::int64_t get_int(const std::string& key, std::int64_t fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  /// Comma- or semicolon-separated list of numbers, e.g. "3250,7200".
  std::vector<double> get_doubles(const std::string& key,
                                  const std::vector<double>& fallback) const;

  /// Throws InputError naming every key that no component read.
  void check_all_used() const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> defaults_;
  mutable std::set<std::string> used_;
  const std::string* find(const std::string& key) const;
};

}  // namespace clustersim
