#include "grid_values.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/sweep/grid.hpp"

namespace clustersim::sweep {
namespace detail {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string child(const std::string& ptr, const std::string& key) {
  return ptr + "/" + json_pointer_token(key);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<Value> read_range(const JsonInput& in, const std::string& ptr) {
  const auto& r = in.at(ptr);
  if (!r.is_array() || r.size() < 2 || r.size() > 3) {
    in.fail(ptr, "'range' is [from, to] or [from, to, step] (to included)");
  }
  bool integers = true;
  for (std::size_t i = 0; i < r.size(); ++i) {
    in.number(ptr + "/" + std::to_string(i));
    integers = integers && r[i].is_number_integer();
  }
  const double from = r[0].get<double>(), to = r[1].get<double>();
  const double step = r.size() == 3 ? r[2].get<double>() : 1.0;
  if (step == 0 || (to - from) * step < 0) {
    in.fail(ptr, "the step of a range must be non-zero and lead from 'from' to 'to'");
  }
  const double n = std::floor((to - from) / step + 1e-9) + 1;
  if (n > 1e6) in.fail(ptr, "a range of more than 1,000,000 values");
  // Values are rounded to the decimals written, so 0.1 steps give 0.3 rather than
  // 0.30000000000000004 (the column text and the run id depend on it).
  int decimals = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::string t = r[i].dump();
    auto dot = t.find('.');
    if (t.find_first_of("eE") != std::string::npos) decimals = 15;
    if (dot != std::string::npos)
      decimals = std::max(decimals, static_cast<int>(t.size() - dot - 1));
  }
  const double scale = std::pow(10.0, std::min(decimals, 15));
  std::vector<Value> out;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    json v;
    if (integers) {
      v = r[0].get<std::int64_t>() + i * (r.size() == 3 ? r[2].get<std::int64_t>() : 1);
    } else {
      const double x =
          decimals >= 15 ? from + i * step : std::round((from + i * step) * scale) / scale;
      // Whole values print as integers ("0", not "0.0") whatever the step.
      if (x == std::floor(x) && std::abs(x) < 9e15)
        v = static_cast<std::int64_t>(x);
      else
        v = x;
    }
    out.push_back({v, shown_of(v)});
  }
  return out;
}

}  // namespace

std::vector<Value> read_axis_values(const JsonInput& in, const std::string& key,
                                    const std::string& ptr, const Subst& subst) {
  const json& spec = in.at(ptr);
  auto scalars = [&](const std::string& p, bool allow_null) {
    const json& a = in.at(p);
    if (!a.is_array() || a.empty()) in.fail(p, fmt::format("'{}' needs a non-empty list", key));
    std::vector<json> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string ep = p + "/" + std::to_string(i);
      if (a[i].is_object() || a[i].is_array() || (!allow_null && a[i].is_null())) {
        in.fail(ep, fmt::format("a value of '{}' must be a string, number or boolean{}", key,
                                allow_null ? " or null (not set)" : ""));
      }
      out.push_back(subst_json(a[i], ep, subst));
    }
    return out;
  };
  std::vector<Value> out;
  if (spec.is_array()) {
    for (auto& v : scalars(ptr, true))
      out.push_back({v, shown_of(v)});
  } else if (spec.is_object() && spec.contains("range") && spec.size() == 1) {
    out = read_range(in, child(ptr, "range"));
  } else if (spec.is_object() && spec.contains("values") && spec.size() == 2 &&
             (spec.contains("format") || spec.contains("names"))) {
    auto values = scalars(child(ptr, "values"), !spec.contains("format"));
    if (spec.contains("format")) {
      const std::string f = subst(in.string(child(ptr, "format")), child(ptr, "format"));
      if (f.find("{}") == std::string::npos) in.fail(child(ptr, "format"), "a format needs '{}'");
      for (auto& v : values) {
        std::string run = f, s = shown_of(v);
        for (auto at = run.find("{}"); at != std::string::npos; at = run.find("{}", at + s.size()))
          run.replace(at, 2, s);
        out.push_back({run, s});
      }
    } else {
      auto names = scalars(child(ptr, "names"), false);
      if (names.size() != values.size()) {
        in.fail(ptr,
                fmt::format("'names' has {} entries, 'values' {}", names.size(), values.size()));
      }
      for (std::size_t i = 0; i < values.size(); ++i)
        out.push_back({values[i], shown_of(names[i])});
    }
  } else {
    in.fail(ptr, fmt::format("axis '{}': a list of values, {{\"range\": [from, to, step]}}, or "
                             "{{\"values\": [...], \"format\": \"..{{}}..\"}} / "
                             "{{\"values\": [...], \"names\": [...]}}",
                             key));
  }
  for (auto& v : out) {
    if (v.shown.find_first_of("\t\n\r") != std::string::npos)
      in.fail(ptr, fmt::format("a value of '{}' contains a tab or a line break", key));
  }
  return out;
}

std::string shown_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

json subst_json(const json& v, const std::string& ptr, const Subst& subst) {
  if (v.is_string()) return subst(v.get<std::string>(), ptr);
  if (v.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(subst_json(v[i], ptr + "/" + std::to_string(i), subst));
    return out;
  }
  return v;
}

std::string folder_of(const std::map<std::string, std::string>& axis_values,
                      const std::vector<std::string>& path_keys, const std::string& id) {
  std::string slug;
  for (const auto& [k, v] : axis_values) {
    std::string s = v;
    const bool path = contains(path_keys, k) ? s.find('/') != std::string::npos
                                             : !s.empty() && s[0] == '/' && s.size() > 1;
    if (path) s = fs::path(s).stem().string();
    if (s.empty()) continue;
    if (!slug.empty()) slug += '_';
    for (char c : s) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                      c == '+' || c == '=' || c == '_';
      if (ok)
        slug += c;
      else if (slug.empty() || slug.back() != '-')
        slug += '-';
    }
  }
  if (slug.size() > 60) slug.resize(60);
  while (!slug.empty() && (slug.back() == '-' || slug.back() == '_' || slug.back() == '.'))
    slug.pop_back();
  return "runs/" + (slug.empty() ? std::string("run") : slug) + "-" + id;
}

}  // namespace detail

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> nearest_keys(const std::string& key, const std::vector<std::string>& known,
                                      std::size_t count) {
  std::vector<std::pair<std::size_t, std::string>> d;
  for (const auto& k : known)
    d.emplace_back(edit_distance(key, k), k);
  std::sort(d.begin(), d.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < d.size() && i < count; ++i)
    out.push_back(d[i].second);
  return out;
}

std::string hash_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace clustersim::sweep
