#include "clustersim/core/params.hpp"

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"

namespace clustersim {

void Params::set_from_string(const std::string& a) {
  auto eq = a.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("--set expects key=value, got '{}'", a));
  }
  values_[a.substr(0, eq)] = a.substr(eq + 1);
}

const std::string* Params::find(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    auto d = defaults_.find(key);
    return d == defaults_.end() ? nullptr : &d->second;
  }
  used_.insert(key);
  return &it->second;
}

std::string Params::get_string(const std::string& key, const std::string& fallback) const {
  const auto* v = find(key);
  return v ? *v : fallback;
}

double Params::get_double(const std::string& key, double fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (auto d = parse_double(*v)) return *d;
  throw InputError(fmt::format("parameter {}: '{}' is not a number", key, *v));
}

std::int64_t Params::get_int(const std::string& key, std::int64_t fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (auto d = parse_int(*v)) return *d;
  throw InputError(fmt::format("parameter {}: '{}' is not an integer", key, *v));
}

bool Params::get_bool(const std::string& key, bool fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (*v == "1" || *v == "true" || *v == "on" || *v == "yes") return true;
  if (*v == "0" || *v == "false" || *v == "off" || *v == "no") return false;
  throw InputError(fmt::format("parameter {}: '{}' is not a boolean (true/false)", key, *v));
}

std::vector<double> Params::get_doubles(const std::string& key,
                                        const std::vector<double>& fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  std::vector<double> out;
  std::string cur;
  auto flush = [&] {
    auto d = parse_double(cur);
    if (!d) throw InputError(fmt::format("parameter {}: '{}' is not a number list", key, *v));
    out.push_back(*d);
    cur.clear();
  };
  for (char c : *v) {
    if (c == ',' || c == ';')
      flush();
    else
      cur += c;
  }
  flush();
  return out;
}

void Params::check_all_used() const {
  std::string unknown;
  for (auto& [k, v] : values_) {
    if (!used_.count(k)) unknown += (unknown.empty() ? "" : ", ") + k;
  }
  if (!unknown.empty()) {
    throw InputError(fmt::format("unknown parameter(s) for this run: {}", unknown));
  }
}

}  // namespace clustersim
