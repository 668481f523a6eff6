#include "clustersim/sweep/grid.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"
#include "clustersim/core/pipeline.hpp"
#include "grid_values.hpp"

namespace clustersim::sweep {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using detail::shown_of;
using detail::Value;

struct FamilyKeys {
  std::vector<std::string> options;   ///< run.json keys a grid may set or vary
  std::vector<std::string> paths;     ///< of those, the files (resolved against the grid)
  std::vector<std::string> required;  ///< every run needs them
};

// From the family's declared inputs (core/pipeline.hpp); throws InputError for an unknown family.
const FamilyKeys& family_keys(const std::string& family) {
  static std::map<std::string, FamilyKeys> cache;
  if (auto it = cache.find(family); it != cache.end()) return it->second;
  FamilyKeys k{{"policy", "seed"}, {}, {"policy"}};
  for (const auto& in : families().get(family).factory()->inputs()) {
    k.options.push_back(in.name);
    if (in.is_path) k.paths.push_back(in.name);
    if (in.required && in.default_value.empty()) k.required.push_back(in.name);
  }
  return cache.emplace(family, std::move(k)).first->second;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& known) {
  auto near = nearest_keys(key, known);
  return near.empty() ? std::string() : " (nearest: " + join(near) + ")";
}

struct Axis {
  std::vector<std::string> keys;
  std::vector<std::vector<Value>> values;  ///< [key][i]
};

struct Exclusion {
  std::string name;
  std::string ptr;
  std::map<std::string, std::set<std::string>> match;  ///< column -> shown values
  std::size_t hits = 0;
};

enum class KeyKind { kOption, kLabel, kParam };

class GridReader {
 public:
  GridReader(const std::string& path, const std::string& text, const GridOptions& opt)
      : in_(path, text), opt_(opt) {
    ordered_ = nlohmann::ordered_json::parse(text);
    std::error_code ec;
    dir_ = fs::absolute(fs::path(path), ec).lexically_normal().parent_path();
  }

  Manifest expand() {
    read_top();
    read_vars();
    read_base();
    read_set_overrides();
    read_labels();
    read_axes();
    read_exclusions();
    return product();
  }

 private:
  JsonInput in_;
  nlohmann::ordered_json ordered_;  ///< the same document, for the order of keys
  const GridOptions& opt_;
  fs::path dir_;
  std::vector<std::pair<std::string, std::string>> vars_;
  std::string family_ = "training";
  json base_ = json::object();
  std::vector<std::string> labels_;               ///< file order
  std::map<std::string, std::string> constant_;   ///< labels with a constant value
  std::map<std::string, std::string> label_ptr_;  ///< for messages
  std::vector<Axis> axes_;
  std::map<std::string, std::string> axis_ptr_;  ///< axis key -> pointer of its values
  std::vector<Exclusion> exclusions_;

  [[noreturn]] void fail(const std::string& ptr, const std::string& msg) const {
    in_.fail(ptr, msg);
  }

  std::vector<std::string> keys_at(const std::string& ptr) const {
    std::vector<std::string> keys;
    const auto& node = ptr.empty() ? ordered_ : ordered_.at(nlohmann::json::json_pointer(ptr));
    for (auto it = node.begin(); it != node.end(); ++it)
      keys.push_back(it.key());
    return keys;
  }

  static std::string child(const std::string& ptr, const std::string& key) {
    return ptr + "/" + json_pointer_token(key);
  }

  void read_top() {
    static const std::vector<std::string> known = {
        "description", "vars", "base", "labels", "axes", "replications", "exclude"};
    if (!in_.root().is_object()) fail("", "a grid must be a JSON object");
    for (const auto& k : keys_at("")) {
      if (!contains(known, k)) {
        fail(child("", k), fmt::format("unknown key '{}' (known: {})", k, join(known)));
      }
    }
  }

  void read_vars() {
    vars_.emplace_back("grid_dir", dir_.string());
    if (!in_.has("/vars")) {
      if (!opt_.vars.empty()) {
        throw InputError(fmt::format("--var {}: the grid declares no vars (\"vars\": {{...}})",
                                     opt_.vars.begin()->first));
      }
      return;
    }
    if (!in_.at("/vars").is_object()) fail("/vars", "'vars' must be an object of name: string");
    std::vector<std::string> names;
    for (const auto& k : keys_at("/vars")) {
      const std::string ptr = child("/vars", k);
      if (k == "grid_dir") fail(ptr, "'grid_dir' is built in (the grid file's folder)");
      std::string v = in_.string(ptr);
      if (auto o = opt_.vars.find(k); o != opt_.vars.end()) v = o->second;
      vars_.emplace_back(k, subst(v, ptr));
      names.push_back(k);
    }
    for (const auto& [k, v] : opt_.vars) {
      if (!contains(names, k)) {
        throw InputError(
            fmt::format("--var {}: the grid declares no var '{}' (vars: {})", k, k, join(names)));
      }
    }
  }

  std::string subst(const std::string& s, const std::string& ptr) const {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      if (s.compare(i, 2, "${") != 0) {
        out += s[i++];
        continue;
      }
      auto end = s.find('}', i);
      if (end == std::string::npos) fail(ptr, fmt::format("unclosed '${{' in '{}'", s));
      const std::string name = s.substr(i + 2, end - i - 2);
      auto it = std::find_if(vars_.begin(), vars_.end(), [&](auto& p) { return p.first == name; });
      if (it == vars_.end()) {
        std::vector<std::string> names;
        for (auto& [n, v] : vars_)
          names.push_back(n);
        fail(ptr, fmt::format("unknown variable '${{{}}}' (vars: {})", name, join(names)));
      }
      out += it->second;
      i = end + 1;
    }
    return out;
  }

  json subst_json(const json& v, const std::string& ptr) const {
    return detail::subst_json(
        v, ptr, [this](const std::string& t, const std::string& p) { return subst(t, p); });
  }

  // A file option's value: relative paths are relative to the grid file.
  json resolve(const std::string& key, json v) const {
    if (!v.is_string() || !contains(family_keys(family_).paths, key)) return v;
    const std::string s = v.get<std::string>();
    if (s.empty()) return v;
    return (fs::path(s).is_absolute() ? fs::path(s) : dir_ / s).lexically_normal().string();
  }

  void check_option_value(const std::string& key, const json& v, const std::string& ptr) const {
    if (key == "seed") {
      if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
        fail(ptr, "'seed' must be an integer >= 0");
      }
    } else if (!v.is_string() && !v.is_null()) {
      fail(ptr, fmt::format("'{}' must be a string", key));
    }
  }

  void check_param_key(const std::string& key, const std::string& ptr) const {
    if (!opt_.check_param) return;
    if (auto why = opt_.check_param(family_, key); !why.empty()) fail(ptr, why);
  }

  void read_base() {
    if (!in_.has("/base")) return;
    const auto& b = in_.at("/base");
    if (!b.is_object()) fail("/base", "'base' must be an object (the keys of a run.json)");
    if (b.contains("family")) {
      family_ = in_.string("/base/family");
      try {
        family_keys(family_);
      } catch (const InputError& e) {
        fail("/base/family", e.what());
      }
      base_["family"] = family_;
    }
    const auto& options = family_keys(family_).options;
    for (const auto& k : keys_at("/base")) {
      const std::string ptr = child("/base", k);
      if (k == "family") continue;
      if (k == "out") fail(ptr, "'out' is chosen by the sweep (<out>/runs/<id>); remove it");
      if (k == "outputs") {
        if (!b[k].is_array()) fail(ptr, "'outputs' must be a list of file names");
        base_["outputs"] = b[k];
        continue;
      }
      if (k == "set") {
        if (!b[k].is_object()) fail(ptr, "'set' must be an object of parameter: value");
        json set = json::object();
        for (const auto& p : keys_at(ptr)) {
          const std::string pp = child(ptr, p);
          const json& v = b[k][p];
          if (v.is_object() || v.is_null())
            fail(pp, "a parameter must be a string, number or list");
          check_param_key(p, pp);
          set[p] = subst_json(v, pp);
        }
        base_["set"] = std::move(set);
        continue;
      }
      if (!contains(options, k)) {
        fail(ptr, fmt::format("unknown run option '{}' for family {} (options: {}, set, outputs){}",
                              k, family_, join(options), did_you_mean(k, options)));
      }
      check_option_value(k, b[k], ptr);
      base_[k] = resolve(k, subst_json(b[k], ptr));
    }
  }

  // `--set key=value`: after the base's own "set", before the axes (which override them).
  void read_set_overrides() {
    for (const auto& [k, v] : opt_.set) {
      if (opt_.check_param) {
        if (auto why = opt_.check_param(family_, k); !why.empty())
          throw InputError(fmt::format("--set {}={}: {}", k, v, why));
      }
      base_["set"][k] = v;
    }
  }

  bool reserved(const std::string& key) const {
    return key == "set" || key == "out" || key == "family" || key == "outputs" ||
           contains(family_keys(family_).options, key);
  }

  void read_labels() {
    if (!in_.has("/labels")) return;
    if (!in_.at("/labels").is_object()) fail("/labels", "'labels' must be an object");
    for (const auto& k : keys_at("/labels")) {
      const std::string ptr = child("/labels", k);
      if (reserved(k)) fail(ptr, fmt::format("label '{}' is a run option; vary it as an axis", k));
      if (k == "run_dir" || k == "wall_s")
        fail(ptr,
             fmt::format("'{}' is a column of every summary.csv; name the label otherwise", k));
      if (opt_.check_param && opt_.check_param(family_, k).empty()) {
        fail(ptr, fmt::format("label '{}' is a parameter; vary it as an axis", k));
      }
      const json& v = in_.at(ptr);
      if (v.is_object() || v.is_array()) fail(ptr, "a label is a string, number, boolean or null");
      labels_.push_back(k);
      label_ptr_[k] = ptr;
      if (!v.is_null()) constant_[k] = shown_of(subst_json(v, ptr));
    }
  }

  KeyKind kind_of(const std::string& key, const std::string& ptr) const {
    if (key == "out") fail(ptr, "'out' is chosen by the sweep");
    if (key == "family") fail(ptr, "the family is fixed by base.family");
    if (key == "set") fail(ptr, "vary a parameter by its own key (e.g. \"engine.slot_s\")");
    if (key == "outputs") fail(ptr, "'outputs' is set in base, not varied");
    if (contains(family_keys(family_).options, key)) return KeyKind::kOption;
    if (contains(labels_, key)) return KeyKind::kLabel;
    check_param_key(key, ptr);
    return KeyKind::kParam;
  }

  void read_axes() {
    if (in_.has("/axes")) {
      const auto& a = in_.at("/axes");
      if (!a.is_array()) {
        fail("/axes", "'axes' must be a list of axes: [{\"policy\": [...]}, {\"seed\": ...}]");
      }
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string ptr = "/axes/" + std::to_string(i);
        if (!a[i].is_object() || a[i].empty()) {
          fail(ptr, "an axis is an object of key: values (several keys are zipped)");
        }
        Axis axis;
        for (const auto& k : keys_at(ptr)) {
          const std::string kp = child(ptr, k);
          if (axis_ptr_.count(k)) fail(kp, fmt::format("'{}' is already an axis", k));
          const KeyKind kind = kind_of(k, kp);
          auto values = detail::read_axis_values(
              in_, k, kp,
              [this](const std::string& t, const std::string& p) { return subst(t, p); });
          for (auto& v : values) {
            if (kind == KeyKind::kOption) {
              check_option_value(k, v.run, kp);
              v.run = resolve(k, v.run);
            } else if (kind == KeyKind::kLabel && v.run.is_null()) {
              fail(kp, fmt::format("label '{}' cannot be null in an axis", k));
            }
          }
          if (!axis.keys.empty() && values.size() != axis.values.front().size()) {
            fail(kp,
                 fmt::format("zipped keys need lists of one length: '{}' has {} values, '{}' {}", k,
                             values.size(), axis.keys.front(), axis.values.front().size()));
          }
          axis.keys.push_back(k);
          axis.values.push_back(std::move(values));
          axis_ptr_[k] = kp;
        }
        axes_.push_back(std::move(axis));
      }
    }
    if (in_.has("/replications")) {
      const auto n = in_.integer("/replications");
      if (n < 1 || n > 1000000) fail("/replications", "'replications' must be in 1..1000000");
      if (axis_ptr_.count("run")) fail("/replications", "'run' is already an axis");
      check_param_key("run", "/replications");
      Axis axis{{"run"}, {{}}};
      for (std::int64_t r = 0; r < n; ++r)
        axis.values[0].push_back({r, std::to_string(r)});
      axes_.push_back(std::move(axis));
      axis_ptr_["run"] = "/replications";
    }
    for (const auto& l : labels_) {
      if (!constant_.count(l) && !axis_ptr_.count(l)) {
        fail(label_ptr_[l], fmt::format("label '{}' is null but no axis sets it", l));
      }
    }
  }

  std::vector<std::string> columns() const {
    std::vector<std::string> cols = labels_;
    for (const auto& a : axes_) {
      for (const auto& k : a.keys)
        if (!contains(cols, k)) cols.push_back(k);
    }
    return cols;
  }

  void read_exclusions() {
    if (!in_.has("/exclude")) return;
    if (!in_.at("/exclude").is_object()) {
      fail("/exclude", "'exclude' must be an object of name: {key: value or [values]}");
    }
    const auto cols = columns();
    for (const auto& name : keys_at("/exclude")) {
      const std::string ptr = child("/exclude", name);
      const json& cond = in_.at(ptr);
      if (!cond.is_object() || cond.empty()) {
        fail(ptr, fmt::format("exclusion '{}' must be an object of key: value or [values]", name));
      }
      Exclusion ex{name, ptr, {}, 0};
      for (const auto& k : keys_at(ptr)) {
        const std::string kp = child(ptr, k);
        if (!contains(cols, k)) {
          fail(kp, fmt::format("exclusion '{}' names '{}', which is not a column of the grid "
                               "(columns: {}){}",
                               name, k, join(cols), did_you_mean(k, cols)));
        }
        const json v = subst_json(cond[k], kp);
        auto& set = ex.match[k];
        if (v.is_array()) {
          for (const auto& e : v)
            set.insert(shown_of(e));
        } else if (v.is_object()) {
          fail(kp, "an exclusion value is a value or a list of values");
        } else {
          set.insert(shown_of(v));
        }
      }
      exclusions_.push_back(std::move(ex));
    }
  }

  std::map<std::string, std::string> shown_at(const std::vector<std::size_t>& idx) const;
  bool excluded(const std::map<std::string, std::string>& shown);  ///< counts the hits
  Point point_at(const std::vector<std::size_t>& idx,
                 const std::map<std::string, std::string>& shown,
                 const std::vector<std::string>& columns) const;
  Manifest product();
};

// The column values of the point at axis indices `idx` (labels' constants, then the axes').
std::map<std::string, std::string> GridReader::shown_at(const std::vector<std::size_t>& idx) const {
  std::map<std::string, std::string> shown = constant_;
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    for (std::size_t k = 0; k < axes_[a].keys.size(); ++k)
      shown[axes_[a].keys[k]] = axes_[a].values[k][idx[a]].shown;
  }
  return shown;
}

bool GridReader::excluded(const std::map<std::string, std::string>& shown) {
  bool drop = false;
  for (auto& ex : exclusions_) {
    bool all = true;
    for (const auto& [k, vals] : ex.match)
      all = all && vals.count(shown.at(k));
    if (all) {
      ++ex.hits;
      drop = true;
    }
  }
  return drop;
}

Point GridReader::point_at(const std::vector<std::size_t>& idx,
                           const std::map<std::string, std::string>& shown,
                           const std::vector<std::string>& columns) const {
  const auto& fk = family_keys(family_);
  json config = base_;
  if (!config.contains("set")) config["set"] = json::object();
  std::map<std::string, std::string> axis_values;  // run options and parameters
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    for (std::size_t k = 0; k < axes_[a].keys.size(); ++k) {
      const std::string& key = axes_[a].keys[k];
      const Value& v = axes_[a].values[k][idx[a]];
      if (contains(labels_, key)) continue;
      axis_values[key] = v.shown;
      json& target = contains(fk.options, key) ? config : config["set"];
      if (v.run.is_null())
        target.erase(key);
      else
        target[key] = v.run;
    }
  }
  for (const auto& r : fk.required) {
    if (!config.contains(r)) {
      fail(axes_.empty() ? "/base" : "/axes",
           fmt::format("a run needs '{}' (in base or an axis)", r));
    }
  }
  if (config["set"].empty()) config.erase("set");
  config["out"] = ".";
  std::string canonical;  // sorted by key: the id does not depend on the order in the file
  for (const auto& [k, v] : shown)
    canonical += k + '\x1f' + v + '\x1e';
  Point p;
  p.id = hash_hex(canonical);
  p.dir = detail::folder_of(axis_values, fk.paths, p.id);
  for (const auto& c : columns)
    p.values.push_back(shown.at(c));
  p.config = std::move(config);
  return p;
}

Manifest GridReader::product() {
  Manifest m;
  m.columns = columns();
  std::map<std::string, std::set<std::string>> only, seen;
  for (const auto& [k, v] : opt_.only) {
    if (!contains(m.columns, k)) {
      throw InputError(fmt::format("--only {}={}: '{}' is not a column of the grid (columns: {}){}",
                                   k, v, k, join(m.columns), did_you_mean(k, m.columns)));
    }
    only[k].insert(v);
  }
  double total = 1;
  for (const auto& a : axes_)
    total *= static_cast<double>(a.values.front().size());
  if (total > 1e7)
    fail("/axes", fmt::format("the grid has {:.0f} points (limit 10,000,000)", total));

  std::unordered_map<std::string, std::size_t> ids;
  std::vector<std::size_t> idx(axes_.size(), 0);
  std::size_t filtered = 0;
  for (std::size_t n = 0; n < static_cast<std::size_t>(total); ++n) {
    if (n > 0) {  // mixed-radix increment, last axis fastest
      for (std::size_t a = axes_.size(); a-- > 0;) {
        if (++idx[a] < axes_[a].values.front().size()) break;
        idx[a] = 0;
      }
    }
    const auto shown = shown_at(idx);
    for (const auto& [k, v] : shown)
      seen[k].insert(v);
    if (excluded(shown)) continue;
    bool keep = true;
    for (const auto& [k, vals] : only)
      keep = keep && vals.count(shown.at(k));
    if (!keep) {
      ++filtered;
      continue;
    }
    Point p = point_at(idx, shown, m.columns);
    if (auto [it, fresh] = ids.emplace(p.id, m.points.size()); !fresh) {
      std::string vals;
      for (const auto& [k, v] : shown)
        vals += fmt::format("{}{}={}", vals.empty() ? "" : ", ", k, v);
      fail("/axes",
           fmt::format("two points have the same values ({}): a value is listed twice", vals));
    }
    m.points.push_back(std::move(p));
  }
  for (const auto& [k, vals] : only) {
    for (const auto& v : vals) {
      if (!seen[k].count(v)) {
        std::vector<std::string> have(seen[k].begin(), seen[k].end());
        throw InputError(
            fmt::format("--only {}={}: no point has that value (values: {})", k, v, join(have)));
      }
    }
  }
  for (const auto& ex : exclusions_) {
    m.notes.push_back(ex.hits ? fmt::format("exclusion '{}' removed {} point{}", ex.name, ex.hits,
                                            ex.hits == 1 ? "" : "s")
                              : fmt::format("{}:{}: exclusion '{}' matches no point", in_.path(),
                                            in_.line_of(ex.ptr), ex.name));
  }
  if (filtered) m.notes.push_back(fmt::format("--only left out {} points", filtered));
  return m;
}

}  // namespace

std::string check_declared_param(const std::string& family, const std::string& key) {
  // The run's own check (Params::check_known): the family's engine parameters and every
  // component of the family or shared; its message names the nearest declared keys.
  Params p;
  p.set(key, "");
  p.declare(families().get(family).factory()->params(), family + " engine");
  try {
    p.check_known(family);
  } catch (const InputError& e) {
    return fmt::format("{} (clustersim list --params)", e.what());
  }
  return "";
}

const std::vector<std::string>& run_option_keys(const std::string& family) {
  return family_keys(family).options;
}

Manifest expand_grid(const std::string& path, const GridOptions& options) {
  return expand_grid_text(path, read_file(path), options);
}

Manifest expand_grid_text(const std::string& path, const std::string& text,
                          const GridOptions& options) {
  return GridReader(path, text, options).expand();
}

}  // namespace clustersim::sweep
