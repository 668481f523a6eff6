#include "clustersim/core/pipeline.hpp"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"
#include "clustersim/metrics/writers.hpp"
#include "clustersim/version.hpp"

namespace clustersim {

Registry<FamilyFactory>& families() {
  static Registry<FamilyFactory> registry("family");
  return registry;
}

const std::string& RunConfig::input(const std::string& name) const {
  static const std::string none;
  auto it = inputs.find(name);
  return it == inputs.end() ? none : it->second;
}

namespace {

void set_from_json(Params& params, const JsonInput& in, const std::string& ptr) {
  for (auto& [k, v] : in.at(ptr).items()) {
    if (v.is_string())
      params.set(k, v.get<std::string>());
    else if (v.is_number() || v.is_boolean())
      params.set(k, v.dump());
    else if (v.is_array()) {
      std::string list;
      for (auto& e : v) {
        if (!list.empty()) list += ',';
        list += e.is_string() ? e.get<std::string>() : e.dump();
      }
      params.set(k, list);
    } else {
      in.fail(ptr + "/" + json_pointer_token(k),
              fmt::format("parameter '{}' must be a string, number or list", k));
    }
  }
}

}  // namespace

RunConfig RunConfig::from_json_file(const std::string& path) {
  JsonInput in(path);
  if (!in.root().is_object()) in.fail("", "run config must be a JSON object");
  namespace fs = std::filesystem;
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    return p.empty() || fs::path(p).is_absolute() ? p : (base / p).lexically_normal().string();
  };
  RunConfig c;
  if (in.has("/family")) c.family = in.string("/family");
  const auto family = families().get(c.family).factory();
  std::vector<std::string> known = {"family", "policy", "seed", "out", "set", "outputs"};
  for (const auto& i : family->inputs())
    known.push_back(i.name);
  for (auto& [key, value] : in.root().items()) {
    const std::string ptr = fmt::format("/{}", json_pointer_token(key));
    if (key == "family") continue;
    if (key == "policy") {
      c.policy = in.string(ptr);
    } else if (key == "out") {
      c.out = resolve(in.string(ptr));
    } else if (key == "seed") {
      auto s = in.integer(ptr);
      if (s < 0) in.fail(ptr, "'seed' must be >= 0");
      c.seed = static_cast<std::uint64_t>(s);
    } else if (key == "set") {
      if (!value.is_object()) in.fail(ptr, "'set' must be an object of key: value");
      set_from_json(c.params, in, ptr);
    } else if (key == "outputs") {
      if (!value.is_array()) in.fail(ptr, "'outputs' must be a list of file names");
      for (std::size_t k = 0; k < value.size(); ++k)
        c.outputs.push_back(in.string(ptr + "/" + std::to_string(k)));
    } else {
      bool found = false;
      for (const auto& i : family->inputs()) {
        if (i.name != key) continue;
        c.inputs[key] = i.is_path ? resolve(in.string(ptr)) : in.string(ptr);
        found = true;
      }
      if (!found) {
        std::string list;
        for (const auto& k : known)
          list += (list.empty() ? "" : ", ") + k;
        in.fail(ptr, fmt::format("unknown key '{}' for the {} family{} (known: {})", key, c.family,
                                 did_you_mean(key, known), list));
      }
    }
  }
  if (c.policy.empty()) in.fail("", "run config needs 'policy'");
  return c;
}

namespace {

// Checks the inputs given against the family's, fills defaults, and records them.
void check_inputs(const Family& family, const std::string& name, RunConfig& cfg,
                  nlohmann::json& record) {
  const auto specs = family.inputs();
  std::vector<std::string> names;
  for (const auto& s : specs)
    names.push_back(s.name);
  for (const auto& [key, value] : cfg.inputs) {
    if (value.empty()) continue;
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      throw InputError(fmt::format("--{} is not an input of the {} family{}", key, name,
                                   did_you_mean(key, names)));
    }
  }
  nlohmann::json hashes = nlohmann::json::object();
  for (const auto& s : specs) {
    auto& v = cfg.inputs[s.name];
    if (v.empty()) v = s.default_value;
    if (v.empty()) {
      if (s.required) throw InputError(fmt::format("no --{} given ({})", s.name, s.help));
      continue;
    }
    record[s.name] = v;
    if (s.is_path && std::filesystem::is_regular_file(v)) hashes[s.name] = file_hash(v);
  }
  record["input_hashes"] = hashes;
  const auto optional = family.optional_outputs();
  for (const auto& o : cfg.outputs) {
    if (std::find(optional.begin(), optional.end(), o) == optional.end())
      throw InputError(
          fmt::format("the {} family cannot write '{}'{}", name, o, did_you_mean(o, optional)));
  }
}

}  // namespace

void run_pipeline(const RunConfig& config, RunOutput& out, const RunLimits& limits,
                  const ProgressFn& progress) {
  const auto wall0 = std::chrono::steady_clock::now();
  if (config.policy.empty()) throw InputError("no policy given (--policy)");
  const auto family = families().get(config.family).factory();
  RunConfig cfg = config;
  nlohmann::json record;
  record["program"] = "clustersim";
  record["version"] = CLUSTERSIM_VERSION;
  record["family"] = cfg.family;
  record["seed"] = cfg.seed;
  check_inputs(*family, cfg.family, cfg, record);

  Params params = cfg.params;
  params.declare(family->params(), cfg.family + " engine");
  params.check_known(cfg.family);
  auto prepared = family->prepare(cfg, params, record);
  params.validate();

  prepared->run(limits, progress, out);
  prepared->collect(out);
  const EngineStats st = prepared->stats();
  record["params"] = params.resolved();
  record["set"] = params.settings();
  record["events"] = st.events;
  record["scheduling_points"] = st.decisions;
  record["policy_s"] = st.policy_s;
  record["wall_s"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  out.add_metric("run", std::move(record));
  out.commit();
}

RunOutput execute_run(const RunConfig& config) {
  RunOutput out;
  run_pipeline(config, out);
  return out;
}

}  // namespace clustersim
