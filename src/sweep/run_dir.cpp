#include "clustersim/sweep/run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/metrics/writers.hpp"

namespace clustersim::sweep {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A setting as the run records it (summary.json run.set, RunConfig::from_json_file): strings as
// they are, numbers and booleans as JSON, lists joined by commas.
std::string param_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return v.dump();
  std::string out;
  for (const auto& e : v) {
    if (!out.empty()) out += ',';
    out += e.is_string() ? e.get<std::string>() : e.dump();
  }
  return out;
}

// Whether summary.json belongs to run.json: same family, policy, seed and explicit settings.
std::string foreign_summary(const json& config, const json& run) {
  if (run.value("family", json("training")) != config.value("family", json("training")))
    return "summary.json is from another family";
  if (config.contains("policy") && run.value("policy", json()) != config["policy"]) {
    return fmt::format("summary.json is from policy {}, run.json says {}",
                       run.value("policy", json()).dump(), config["policy"].dump());
  }
  if (run.value("seed", json()) != config.value("seed", json(1))) {
    return "summary.json is from another seed";
  }
  json set = json::object();
  if (config.contains("set")) {
    for (const auto& [k, v] : config["set"].items())
      set[k] = param_text(v);
  }
  if (run.value("set", json::object()) != set)
    return "summary.json has other parameter settings than run.json";
  return "";
}

RunCheck check(const fs::path& dir, const std::string& config_hash, json* summary_out) {
  auto config_text = slurp(dir / "run.json");
  if (!config_text) {
    return fs::exists(dir) ? RunCheck{RunState::kIncomplete, "no run.json"}
                           : RunCheck{RunState::kMissing, ""};
  }
  if (hash_hex(*config_text) != config_hash) {
    return {RunState::kIncomplete, "run.json differs from the grid's (the configuration changed)"};
  }
  auto summary_text = slurp(dir / "summary.json");
  if (!summary_text)
    return {RunState::kMissing, "no summary.json (not run, interrupted or failed)"};
  json summary = json::parse(*summary_text, nullptr, false);
  if (summary.is_discarded() || !summary.is_object() || !summary.contains("run") ||
      !summary["run"].is_object()) {
    return {RunState::kIncomplete, "summary.json is not a complete result"};
  }
  const json config = json::parse(*config_text, nullptr, false);
  if (config.is_discarded()) return {RunState::kIncomplete, "run.json is not valid JSON"};
  if (auto why = foreign_summary(config, summary["run"]); !why.empty())
    return {RunState::kIncomplete, why};
  if (summary_out) *summary_out = std::move(summary);
  return {RunState::kComplete, ""};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

}  // namespace

std::string run_json_text(const Point& point) {
  return point.config.dump(2) + "\n";
}

RunCheck check_run(const std::string& dir, const std::string& config_hash) {
  return check(dir, config_hash, nullptr);
}

void prepare_run(const std::string& dir, const std::string& run_json) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir, 0, "cannot create the run folder: " + ec.message());
  fs::remove(fs::path(dir) / "summary.json", ec);
  for (const auto& entry : fs::directory_iterator(dir, ec))
    fs::remove_all(entry.path(), ec);
  write_file_atomically((fs::path(dir) / "run.json").string(), run_json);
}

void remove_temporaries(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos)
      fs::remove(entry.path(), ec);
  }
}

ManifestFile manifest_file(const Manifest& m) {
  ManifestFile f;
  f.columns = m.columns;
  for (const auto& p : m.points)
    f.rows.push_back({p.dir, hash_hex(run_json_text(p)), p.values});
  return f;
}

std::string manifest_text(const ManifestFile& m) {
  std::string out = "run\tconfig";
  for (const auto& c : m.columns)
    out += "\t" + c;
  out += "\n";
  for (const auto& r : m.rows) {
    out += r.dir + "\t" + r.config_hash;
    for (const auto& v : r.values)
      out += "\t" + v;
    out += "\n";
  }
  return out;
}

void write_manifest(const std::string& sweep_dir, const ManifestFile& m) {
  write_file_atomically(sweep_dir + "/manifest.tsv", manifest_text(m));
}

ManifestFile read_manifest(const std::string& sweep_dir) {
  const std::string path = sweep_dir + "/manifest.tsv";
  if (!fs::exists(path)) {
    throw InputError(path, 0, "no manifest (is this the --out folder of a sweep run or emit?)");
  }
  std::istringstream in(read_file(path));
  std::string line;
  ManifestFile m;
  long n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto fields = split_tabs(line);
    if (n == 1) {
      if (fields.size() < 2 || fields[0] != "run" || fields[1] != "config")
        throw InputError(path, n, "not a sweep manifest (header must start with run, config)");
      m.columns.assign(fields.begin() + 2, fields.end());
      continue;
    }
    if (line.empty()) continue;
    if (fields.size() != m.columns.size() + 2) {
      throw InputError(
          path, n,
          fmt::format("{} fields, the header has {}", fields.size(), m.columns.size() + 2));
    }
    if (fields[0].empty() || fields[0].find("..") != std::string::npos || fields[0][0] == '/')
      throw InputError(path, n, "a run folder must be a relative path inside the sweep folder");
    m.rows.push_back({fields[0], fields[1], {fields.begin() + 2, fields.end()}});
  }
  if (n == 0) throw InputError(path, 1, "empty manifest");
  return m;
}

MergeResult merge(const std::string& sweep_dir, bool partial) {
  const ManifestFile m = read_manifest(sweep_dir);
  MergeResult res;
  std::vector<std::pair<const ManifestRow*, json>> done;
  std::vector<std::string> metrics;
  for (const auto& row : m.rows) {
    json summary;
    auto c = check(fs::path(sweep_dir) / row.dir, row.config_hash, &summary);
    if (c.state != RunState::kComplete) {
      res.incomplete.emplace_back(row.dir, c.reason.empty() ? "not run" : c.reason);
      continue;
    }
    for (const auto& [k, v] : summary.items()) {
      if (k == "run" || v.is_object() || v.is_array()) continue;
      if (std::find(metrics.begin(), metrics.end(), k) == metrics.end()) metrics.push_back(k);
    }
    done.emplace_back(&row, std::move(summary));
  }
  res.merged = done.size();
  if (!res.incomplete.empty() && !partial) return res;
  std::string csv;
  auto add_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) csv += ',';
      csv += csv_field(cells[i]);
    }
    csv += "\n";
  };
  std::vector<std::string> header = m.columns;
  header.push_back("run_dir");
  header.insert(header.end(), metrics.begin(), metrics.end());
  header.push_back("wall_s");
  add_row(header);
  for (const auto& [row, s] : done) {
    std::vector<std::string> cells = row->values;
    cells.push_back(row->dir);
    for (const auto& k : metrics)
      cells.push_back(s.contains(k) ? cell(s[k]) : "");
    cells.push_back(cell(s["run"].value("wall_s", json())));
    add_row(cells);
  }
  write_file_atomically(sweep_dir + "/summary.csv", csv);
  res.written = true;
  return res;
}

SweepLock::SweepLock(const std::string& sweep_dir) {
  const std::string path = sweep_dir + "/.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(path, 0, "cannot create the sweep lock file");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError(sweep_dir, 0, "another clustersim sweep is working in this folder");
  }
}

SweepLock::~SweepLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace clustersim::sweep
