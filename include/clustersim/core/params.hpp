// Declared parameters (ns-3 attributes, SimGrid configuration flags). Every component that a run
// can use (policy, placement, overhead model, engine, workload generator, ...) declares its
// parameters once, next to its registration: key, type, default, unit and a one-line meaning.
// The same declarations drive `--set` validation, `clustersim list --params`, the resolved
// configuration in summary.json and docs/parameters.md.
//
// A run works in three steps:
//   1. settings: `--set key=value` and run.json's "set" go into Params::set (raw text);
//   2. declaration: the run declares the specs of exactly the components it uses
//      (Params::declare), and a component may give a declared key a run-specific default
//      (Params::set_default, e.g. a policy that needs whole-second times);
//   3. validation (Params::validate): every setting must be declared by a component of this
//      run and well-formed for its type and range. A key declared only by components the run
//      does not use is "not honoured by this run" (naming who declares it); any other key is
//      unknown (with the nearest declared keys as suggestions). Both stop the run with exit 2.
// Typed getters return the setting or the declared default; reading a key that the run did not
// declare is a bug in clustersim (InvariantError), so declarations cannot fall out of date.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clustersim {

enum class ParamType { kBool, kInt, kReal, kText, kChoice, kReals, kPath };

struct ParamSpec {
  std::string key;
  ParamType type = ParamType::kText;
  /// Default as text ("" = unset: optional paths and texts, or "derived from the run" where the
  /// help says so).
  std::string default_value;
  std::string unit;                  ///< "s", "GPUs", "req/s", ... ("" for none)
  std::string help;                  ///< one line
  std::vector<std::string> choices;  ///< kChoice: the valid values
  std::optional<double> min, max;    ///< numeric bounds, inclusive (kInt, kReal, kReals)
};
using ParamSpecs = std::vector<ParamSpec>;

/// Short constructors for declarations, e.g.
///   param::real("ef.slot_s", 60, "s", "scheduling slot", 1)
namespace param {
ParamSpec flag(std::string key, bool def, std::string help);
ParamSpec integer(std::string key, std::int64_t def, std::string unit, std::string help,
                  std::optional<double> min = std::nullopt,
                  std::optional<double> max = std::nullopt);
ParamSpec real(std::string key, double def, std::string unit, std::string help,
               std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
ParamSpec text(std::string key, std::string def, std::string help);
ParamSpec choice(std::string key, std::string def, std::vector<std::string> choices,
                 std::string help);
/// A comma- or semicolon-separated list of numbers; `def` as text ("3250,7200").
ParamSpec reals(std::string key, std::string def, std::string unit, std::string help,
                std::optional<double> min = std::nullopt);
/// A file or folder path; `def` "" = none.
ParamSpec path(std::string key, std::string help, std::string def = "");
}  // namespace param

/// Every declaration of every registered component, for "not honoured by this run" messages,
/// `list --params` and docs/parameters.md. Registries add their entries' specs here.
struct CatalogEntry {
  std::string kind;    ///< "policy", "placement", "engine", ...
  std::string owner;   ///< the component's name
  std::string family;  ///< "training", "serving", "balancing", or "" for shared components
  const ParamSpecs* specs;
};
std::vector<CatalogEntry>& param_catalog();
void add_to_param_catalog(std::string kind, std::string owner, std::string family,
                          const ParamSpecs* specs);

class Params {
 public:
  Params() = default;
  /// Parses "key=value"; throws InputError on a missing '=' or an empty key.
  void set_from_string(const std::string& assignment);
  void set(const std::string& key, const std::string& value) { settings_[key] = value; }
  /// Was the key set explicitly (by --set, run.json or an alias)?
  bool has(const std::string& key) const { return settings_.count(key) > 0; }
  const std::map<std::string, std::string>& settings() const { return settings_; }

  /// Declares the specs of a component this run uses; `owner` names it in messages ("policy
  /// muri-s"). Declaring one key twice is allowed only with the same type and default.
  void declare(const ParamSpecs& specs, const std::string& owner);
  bool declared(const std::string& key) const { return specs_.count(key) > 0; }
  /// A run-specific default for a declared key (a setting still wins). Recorded as resolved.
  void set_default(const std::string& key, const std::string& value);

  /// Throws InputError for the first setting that no component of `family` (nor a shared one)
  /// declares, nor this run: a typo is reported before anything is read.
  void check_known(const std::string& family) const;
  /// Throws InputError for the first setting that is not declared (unknown or not honoured) or
  /// not valid for its type and range.
  void validate() const;

  // Typed access: the setting, else the run's default, else the declared default.
  std::string get_string(const std::string& key) const;
  double get_double(const std::string& key) const;
  std::int64_t get_int(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::vector<double> get_doubles(const std::string& key) const;

  /// Every declared key with its resolved value (typed JSON; unset optional values are null).
  nlohmann::json resolved() const;
  /// The declared spec of a key (InvariantError if undeclared).
  const ParamSpec& spec(const std::string& key) const;

 private:
  struct Declared {
    ParamSpec spec;
    std::string owner;
  };
  std::map<std::string, std::string> settings_;
  std::map<std::string, std::string> run_defaults_;
  std::map<std::string, Declared> specs_;
  const std::string& raw(const std::string& key) const;
  void check_value(const ParamSpec& s, const std::string& value) const;
};

/// Keys from `candidates` closest to `key` (edit distance, at most 3 suggestions).
std::vector<std::string> nearest_names(const std::string& key,
                                       const std::vector<std::string>& candidates);
/// " (did you mean a, b?)" or "".
std::string did_you_mean(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace clustersim
