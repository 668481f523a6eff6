// Self-registration of plug-ins (policies, trace readers, placements, overhead and progress
// models, families, ...), after SimGrid's ModuleGroup: each entry is a name, a one-line
// description, a factory and its declared parameters (params.hpp), registered from the plug-in's
// own .cpp by a static initialiser. Each registry is a function-local static, which avoids the
// static-initialisation-order problem.
//
// An alias is a second name for an entry with other defaults for some parameters (e.g.
// `dlas-gpu-05` = `dlas-gpu` with tiresias.promote_knob=0.5), so names users already type keep
// working while the value becomes an ordinary parameter.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/params.hpp"

namespace clustersim {

template <typename Factory>
class Registry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
    ParamSpecs params;
  };
  struct Alias {
    std::string name;
    std::string target;
    std::map<std::string, std::string> settings;  ///< the alias's defaults
  };
  /// The entry a name stands for, and the alias used, if any.
  struct Found {
    const Entry& entry;
    const Alias* alias;
  };

  /// `kind` names the plug-in family in error messages ("policy", "trace format", ...);
  /// `family` is the workload family the registry belongs to ("" = shared).
  explicit Registry(std::string kind, std::string family = "")
      : kind_(std::move(kind)), family_(std::move(family)) {}

  void add(std::string name, std::string description, Factory factory, ParamSpecs params = {}) {
    if (entries_.count(name) || aliases_.count(name))
      throw InvariantError(kind_ + " registered twice: " + name);
    std::string key = name;
    auto& e = entries_
                  .emplace(std::move(key), Entry{std::move(name), std::move(description),
                                                 std::move(factory), std::move(params)})
                  .first->second;
    add_to_param_catalog(kind_, e.name, family_, &e.params);  // map nodes never move
  }
  void add_alias(std::string name, std::string target,
                 std::map<std::string, std::string> settings = {}) {
    if (entries_.count(name) || aliases_.count(name))
      throw InvariantError(kind_ + " registered twice: " + name);
    std::string key = name;
    aliases_.emplace(std::move(key),
                     Alias{std::move(name), std::move(target), std::move(settings)});
  }

  bool contains(const std::string& name) const {
    return entries_.count(name) > 0 || aliases_.count(name) > 0;
  }
  /// Resolves aliases; throws InputError naming the nearest and the known entries when unknown.
  Found find(const std::string& name) const {
    if (auto a = aliases_.find(name); a != aliases_.end())
      return {entries_.at(a->second.target), &a->second};
    if (auto it = entries_.find(name); it != entries_.end()) return {it->second, nullptr};
    std::string known;
    for (auto& [n, e] : entries_)
      known += (known.empty() ? "" : ", ") + n;
    throw InputError(fmt::format("unknown {} '{}'{} (known: {})", kind_, name,
                                 did_you_mean(name, names(true)), known));
  }
  const Entry& get(const std::string& name) const { return find(name).entry; }

  /// Entries in name order (aliases not included).
  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (auto& [n, e] : entries_)
      out.push_back(&e);
    return out;
  }
  std::vector<const Alias*> aliases() const {
    std::vector<const Alias*> out;
    for (auto& [n, a] : aliases_)
      out.push_back(&a);
    return out;
  }
  std::vector<std::string> names(bool with_aliases = false) const {
    std::vector<std::string> out;
    for (auto& [n, e] : entries_)
      out.push_back(n);
    if (with_aliases) {
      for (auto& [n, a] : aliases_)
        out.push_back(n);
    }
    return out;
  }
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::string family_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, Alias> aliases_;
};

/// A registry's content as data, for `clustersim list` and docs/parameters.md.
struct ComponentList {
  struct Item {
    std::string name;
    std::string description;
    const ParamSpecs* params;
    std::vector<std::string> aliases;  ///< "dlas-gpu-05 (tiresias.promote_knob=0.5)"
  };
  std::string title;  ///< "training policies", "placement schemes (--set placement=NAME)"
  std::vector<Item> items;
};

template <typename F>
ComponentList list_of(const Registry<F>& r, std::string title) {
  ComponentList out{std::move(title), {}};
  for (const auto* e : r.entries()) {
    ComponentList::Item item{e->name, e->description, &e->params, {}};
    for (const auto* a : r.aliases()) {
      if (a->target != e->name) continue;
      std::string fixed;
      for (const auto& [k, v] : a->settings)
        fixed += (fixed.empty() ? "" : ", ") + k + "=" + v;
      item.aliases.push_back(fixed.empty() ? a->name : a->name + " (" + fixed + ")");
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

}  // namespace clustersim
