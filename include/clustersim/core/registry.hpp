// Self-registration of plug-ins (policies, trace readers, overhead models, ...), after SimGrid's
// ModuleGroup: each entry is a name, a one-line description and a factory, registered from the
// plug-in's own .cpp by a static Registrar. Each registry is a function-local static, which avoids
// the static-initialisation-order problem.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "clustersim/core/error.hpp"

namespace clustersim {

template <typename Factory>
class Registry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
  };

  /// `kind` names the plug-in family in error messages ("policy", "trace format", ...).
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void add(std::string name, std::string description, Factory factory) {
    if (entries_.count(name)) throw InvariantError(kind_ + " registered twice: " + name);
    std::string key = name;
    entries_.emplace(std::move(key),
                     Entry{std::move(name), std::move(description), std::move(factory)});
  }
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  /// Throws InputError naming the known entries when `name` is unknown.
  const Entry& get(const std::string& name) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string known;
      for (auto& [n, e] : entries_)
        known += (known.empty() ? "" : ", ") + n;
      throw InputError("unknown " + kind_ + " '" + name + "' (known: " + known + ")");
    }
    return it->second;
  }
  /// Entries in name order.
  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (auto& [n, e] : entries_)
      out.push_back(&e);
    return out;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& [n, e] : entries_)
      out.push_back(n);
    return out;
  }

 private:
  std::string kind_;
  std::map<std::string, Entry> entries_;
};

}  // namespace clustersim
