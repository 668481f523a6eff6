#include "clustersim/core/params.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim {

namespace param {
namespace {
ParamSpec make(std::string key, ParamType type, std::string def, std::string unit,
               std::string help) {
  ParamSpec s;
  s.key = std::move(key);
  s.type = type;
  s.default_value = std::move(def);
  s.unit = std::move(unit);
  s.help = std::move(help);
  return s;
}
std::string number_text(double v) {
  return fmt::format("{}", v);
}
}  // namespace

ParamSpec flag(std::string key, bool def, std::string help) {
  return make(std::move(key), ParamType::kBool, def ? "true" : "false", "", std::move(help));
}
ParamSpec integer(std::string key, std::int64_t def, std::string unit, std::string help,
                  std::optional<double> min, std::optional<double> max) {
  auto s =
      make(std::move(key), ParamType::kInt, std::to_string(def), std::move(unit), std::move(help));
  s.min = min;
  s.max = max;
  return s;
}
ParamSpec real(std::string key, double def, std::string unit, std::string help,
               std::optional<double> min, std::optional<double> max) {
  auto s =
      make(std::move(key), ParamType::kReal, number_text(def), std::move(unit), std::move(help));
  s.min = min;
  s.max = max;
  return s;
}
ParamSpec text(std::string key, std::string def, std::string help) {
  return make(std::move(key), ParamType::kText, std::move(def), "", std::move(help));
}
ParamSpec choice(std::string key, std::string def, std::vector<std::string> choices,
                 std::string help) {
  auto s = make(std::move(key), ParamType::kChoice, std::move(def), "", std::move(help));
  s.choices = std::move(choices);
  return s;
}
ParamSpec reals(std::string key, std::string def, std::string unit, std::string help,
                std::optional<double> min) {
  auto s =
      make(std::move(key), ParamType::kReals, std::move(def), std::move(unit), std::move(help));
  s.min = min;
  return s;
}
ParamSpec path(std::string key, std::string help, std::string def) {
  return make(std::move(key), ParamType::kPath, std::move(def), "", std::move(help));
}
}  // namespace param

std::vector<CatalogEntry>& param_catalog() {
  static std::vector<CatalogEntry> catalog;
  return catalog;
}

void add_to_param_catalog(std::string kind, std::string owner, std::string family,
                          const ParamSpecs* specs) {
  param_catalog().push_back({std::move(kind), std::move(owner), std::move(family), specs});
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours ("strf" is one step from "srtf") each cost 1.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::vector<double>> parse_list(const std::string& v) {
  std::vector<double> out;
  std::string cur;
  auto flush = [&] {
    auto d = parse_double(cur);
    if (!d) return false;
    out.push_back(*d);
    cur.clear();
    return true;
  };
  for (char c : v) {
    if (c == ',' || c == ';') {
      if (!flush()) return std::nullopt;
    } else {
      cur += c;
    }
  }
  if (!flush()) return std::nullopt;
  return out;
}

std::optional<bool> parse_bool(const std::string& v) {
  if (v == "1" || v == "true" || v == "on" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "off" || v == "no") return false;
  return std::nullopt;
}

std::string bounds_text(const ParamSpec& s) {
  if (s.min && s.max) return fmt::format("in [{:g}, {:g}]", *s.min, *s.max);
  if (s.min) return fmt::format(">= {:g}", *s.min);
  return fmt::format("<= {:g}", *s.max);
}

}  // namespace

std::vector<std::string> nearest_names(const std::string& key,
                                       const std::vector<std::string>& candidates) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(key, c);
    // A suffix match ("slot_s" for "ef.slot_s") counts as close too.
    const bool suffix = c.size() > key.size() &&
                        c.compare(c.size() - key.size(), key.size(), key) == 0 &&
                        c[c.size() - key.size() - 1] == '.';
    if (d <= std::max<std::size_t>(2, key.size() / 3) || suffix)
      scored.emplace_back(suffix ? 0 : d, c);
  }
  std::sort(scored.begin(), scored.end());
  scored.erase(std::unique(scored.begin(), scored.end()), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3 && scored[i].first == scored[0].first; ++i)
    out.push_back(scored[i].second);
  return out;
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& candidates) {
  auto near = nearest_names(key, candidates);
  if (near.empty()) return "";
  std::string list;
  for (const auto& n : near)
    list += (list.empty() ? "" : ", ") + n;
  return " (did you mean " + list + "?)";
}

void Params::set_from_string(const std::string& a) {
  auto eq = a.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("--set expects key=value, got '{}'", a));
  }
  settings_[a.substr(0, eq)] = a.substr(eq + 1);
}

void Params::declare(const ParamSpecs& specs, const std::string& owner) {
  for (const auto& s : specs) {
    auto [it, fresh] = specs_.try_emplace(s.key, Declared{s, owner});
    if (!fresh &&
        (it->second.spec.type != s.type || it->second.spec.default_value != s.default_value)) {
      throw InvariantError(fmt::format("parameter {} declared differently by {} and {}", s.key,
                                       it->second.owner, owner));
    }
  }
}

void Params::set_default(const std::string& key, const std::string& value) {
  check_value(spec(key), value);
  run_defaults_[key] = value;
}

const ParamSpec& Params::spec(const std::string& key) const {
  auto it = specs_.find(key);
  if (it == specs_.end()) throw InvariantError("parameter read but not declared: " + key);
  return it->second.spec;
}

const std::string& Params::raw(const std::string& key) const {
  const ParamSpec& s = spec(key);
  if (auto it = settings_.find(key); it != settings_.end()) {
    check_value(s, it->second);
    return it->second;
  }
  if (auto it = run_defaults_.find(key); it != run_defaults_.end()) return it->second;
  return s.default_value;
}

void Params::check_value(const ParamSpec& s, const std::string& v) const {
  auto fail = [&](const std::string& what) {
    throw InputError(fmt::format("parameter {}: '{}' {}", s.key, v, what));
  };
  auto in_range = [&](double x) {
    if ((s.min && x < *s.min) || (s.max && x > *s.max)) fail("must be " + bounds_text(s));
  };
  switch (s.type) {
    case ParamType::kBool:
      if (!parse_bool(v)) fail("is not a boolean (true/false)");
      break;
    case ParamType::kInt: {
      auto x = parse_int(v);
      if (!x) fail("is not an integer");
      in_range(static_cast<double>(*x));
      break;
    }
    case ParamType::kReal: {
      auto x = parse_double(v);
      if (!x) fail("is not a number");
      in_range(*x);
      break;
    }
    case ParamType::kReals: {
      auto xs = parse_list(v);
      if (!xs) fail("is not a number list");
      for (double x : *xs)
        in_range(x);
      break;
    }
    case ParamType::kChoice:
      if (std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end()) {
        std::string list;
        for (const auto& c : s.choices)
          list += (list.empty() ? "" : ", ") + c;
        fail(fmt::format("is not one of: {}{}", list, did_you_mean(v, s.choices)));
      }
      break;
    case ParamType::kText:
    case ParamType::kPath:
      break;
  }
}

void Params::check_known(const std::string& family) const {
  std::vector<std::string> keys;
  for (const auto& [k, d] : specs_)
    keys.push_back(k);
  for (const auto& e : param_catalog()) {
    if (e.family != family && !e.family.empty()) continue;
    for (const auto& s : *e.specs)
      keys.push_back(s.key);
  }
  for (const auto& [key, value] : settings_) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw InputError(fmt::format("unknown parameter {}{}", key, did_you_mean(key, keys)));
  }
}

void Params::validate() const {
  std::vector<std::string> declared;
  for (const auto& [k, d] : specs_)
    declared.push_back(k);
  for (const auto& [key, value] : settings_) {
    auto it = specs_.find(key);
    if (it != specs_.end()) {
      check_value(it->second.spec, value);
      continue;
    }
    std::vector<std::string> owners;
    for (const auto& e : param_catalog()) {
      for (const auto& s : *e.specs) {
        if (s.key != key) continue;
        std::string who = e.kind + " " + e.owner;
        if (std::find(owners.begin(), owners.end(), who) == owners.end()) owners.push_back(who);
      }
    }
    if (!owners.empty()) {
      std::sort(owners.begin(), owners.end());
      std::string list;
      for (std::size_t i = 0; i < owners.size() && i < 4; ++i)
        list += (list.empty() ? "" : ", ") + owners[i];
      if (owners.size() > 4) list += ", ...";
      throw InputError(fmt::format(
          "parameter {} is not honoured by this run: it belongs to {}, which this run does not "
          "use",
          key, list));
    }
    throw InputError(fmt::format("unknown parameter {}{}", key, did_you_mean(key, declared)));
  }
}

std::string Params::get_string(const std::string& key) const {
  return raw(key);
}

double Params::get_double(const std::string& key) const {
  const std::string& v = raw(key);
  if (auto d = parse_double(v)) return *d;
  throw InvariantError(fmt::format("parameter {}: default '{}' is not a number", key, v));
}

std::int64_t Params::get_int(const std::string& key) const {
  const std::string& v = raw(key);
  if (auto d = parse_int(v)) return *d;
  throw InvariantError(fmt::format("parameter {}: default '{}' is not an integer", key, v));
}

bool Params::get_bool(const std::string& key) const {
  const std::string& v = raw(key);
  if (auto b = parse_bool(v)) return *b;
  throw InvariantError(fmt::format("parameter {}: default '{}' is not a boolean", key, v));
}

std::vector<double> Params::get_doubles(const std::string& key) const {
  const std::string& v = raw(key);
  if (auto xs = parse_list(v)) return *xs;
  throw InvariantError(fmt::format("parameter {}: default '{}' is not a number list", key, v));
}

nlohmann::json Params::resolved() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, d] : specs_) {
    const std::string& v = raw(key);
    switch (d.spec.type) {
      case ParamType::kBool:
        out[key] = get_bool(key);
        break;
      case ParamType::kInt:
        out[key] = get_int(key);
        break;
      case ParamType::kReal:
        out[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(get_double(key));
        break;
      case ParamType::kReals:
        out[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(get_doubles(key));
        break;
      default:
        out[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    }
  }
  return out;
}

}  // namespace clustersim
